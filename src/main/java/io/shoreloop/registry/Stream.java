package io.shoreloop.registry;

/** Pollutant streams a ship hands ashore, each with its unit (never add m³ to kg). */
public enum Stream {
    /** 生活污水, MARPOL Annex IV. */
    SEWAGE(QuantityUnit.M3),
    /** 含油污水: bilge water, sludge, waste oil; MARPOL Annex I. */
    OILY_WATER(QuantityUnit.M3),
    /** 化学品洗舱水, MARPOL Annex II; needs cargo name and NLS category. */
    TANK_WASHING(QuantityUnit.M3),
    /** 生活垃圾, MARPOL Annex V. */
    GARBAGE(QuantityUnit.KG);

    private final QuantityUnit unit;

    Stream(QuantityUnit unit) {
        this.unit = unit;
    }

    public QuantityUnit unit() {
        return unit;
    }
}
