package io.shoreloop.ledger;

import io.shoreloop.identity.Role;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.ManifestState;
import io.shoreloop.manifest.QuantityMethod;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;

/** Chinese and English names of the codes a copy of record shows (中文 first, as on a paper 联单). */
final class Labels {

    private Labels() {}

    /** A name in both languages. */
    record Bilingual(String zh, String en) {
        String both() {
            return zh + " " + en;
        }
    }

    static Bilingual stream(Stream s) {
        return switch (s) {
            case SEWAGE -> new Bilingual("生活污水", "Sewage");
            case OILY_WATER -> new Bilingual("含油污水", "Oily water");
            case TANK_WASHING -> new Bilingual("化学品洗舱水", "Tank-washing water");
            case GARBAGE -> new Bilingual("生活垃圾", "Garbage");
        };
    }

    static Bilingual action(ManifestAction a) {
        return switch (a) {
            case DRAFT -> new Bilingual("起草", "Draft");
            case DECLARE -> new Bilingual("申报", "Declare");
            case RECEIVE -> new Bilingual("接收", "Receive");
            case PICKUP -> new Bilingual("转运", "Pick-up");
            case DISPOSE -> new Bilingual("处置", "Dispose");
            case REFUSE -> new Bilingual("拒收", "Refuse");
            case CANCEL -> new Bilingual("撤销", "Cancel");
            case CORRECT -> new Bilingual("更正", "Correction");
        };
    }

    static Bilingual state(ManifestState s) {
        return switch (s) {
            case DRAFT -> new Bilingual("草稿", "Draft");
            case DECLARED -> new Bilingual("已申报", "Declared");
            case RECEIVED -> new Bilingual("已接收", "Received");
            case IN_TRANSFER -> new Bilingual("转运中", "In transfer");
            case DISPOSED -> new Bilingual("已处置（闭环）", "Disposed (loop closed)");
            case CANCELLED -> new Bilingual("已撤销", "Cancelled");
            case REFUSED -> new Bilingual("已拒收", "Refused");
        };
    }

    static Bilingual role(Role r) {
        return switch (r) {
            case CREW -> new Bilingual("船员", "Crew");
            case RECEIVER -> new Bilingual("接收单位", "Receiver");
            case TRANSPORTER -> new Bilingual("转运单位", "Transporter");
            case DISPOSER -> new Bilingual("处置单位", "Disposal plant");
            case BERTH_OPERATOR -> new Bilingual("码头运营方", "Berth operator");
            case BUREAU -> new Bilingual("主管部门", "Bureau");
            case ADMIN -> new Bilingual("管理员", "Administrator");
        };
    }

    static Bilingual method(QuantityMethod m) {
        return switch (m) {
            case DECLARED -> new Bilingual("申报估算", "Declared");
            case METERED -> new Bilingual("流量计计量", "Metered");
            case WEIGHED -> new Bilingual("过磅", "Weighed");
            case GAUGED -> new Bilingual("测深", "Gauged");
        };
    }

    /** The unit symbol as printed after a quantity. */
    static String unit(QuantityUnit u) {
        return switch (u) {
            case M3 -> "m³";
            case KG -> "kg";
        };
    }

    static Bilingual unitName(QuantityUnit u) {
        return switch (u) {
            case M3 -> new Bilingual("立方米", "cubic metres (m³)");
            case KG -> new Bilingual("千克", "kilograms (kg)");
        };
    }
}
