package io.shoreloop.report;

import static io.shoreloop.report.ReportTable.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shore-power reports as tables for the CSV and XLSX exports (English and Chinese headers). */
final class ShorePowerTables {

    private ShorePowerTables() {}

    /** Chinese names of the exemption reasons, in {@link ShorePowerReportService#REASONS} order. */
    private static final Map<String, String> REASONS_ZH = Map.of(
            "SHIP_FAULT",
            "船舶设施故障",
            "SHORE_FAULT",
            "岸电设施故障",
            "WEATHER",
            "恶劣天气",
            "ACCIDENT",
            "事故",
            "EMERGENCY",
            "紧急情况",
            "ALTERNATIVE_MEASURE",
            "替代措施",
            ShorePowerReportService.BY_REVIEW,
            "监管复核认定");

    /**
     * The KPI rows and the total row; the factors each province was computed with are echoed with the filters
     * ({@code factors.<province>.<key>}).
     */
    static ReportTable kpis(ReportViews.ShorePowerReport report) {
        Map<String, String> echo = new LinkedHashMap<>(report.filters());
        for (EmissionFactors f : report.factors()) {
            String p = "factors." + (f.province() == null ? "default" : f.province()) + ".";
            echo.put(p + "auxSfocKgPerKwh", f.auxSfocKgPerKwh().toPlainString());
            echo.put(p + "fuelCo2KgPerKg", f.fuelCo2KgPerKg().toPlainString());
            echo.put(p + "fuelSulphurPercent", f.fuelSulphurPercent().toPlainString());
            echo.put(p + "engineTier", f.engineTier());
            echo.put(p + "engineRpm", String.valueOf(f.engineRpm()));
            echo.put(p + "auxNoxGPerKwh", f.auxNoxGPerKwh().toPlainString());
            echo.put(p + "gridCo2KgPerKwh", f.gridCo2KgPerKwh().toPlainString());
            echo.put(p + "gridSo2KgPerKwh", f.gridSo2KgPerKwh().toPlainString());
            echo.put(p + "gridNoxKgPerKwh", f.gridNoxKgPerKwh().toPlainString());
            echo.put(p + "fuelPriceCnyPerKg", f.fuelPriceCnyPerKg().toPlainString());
            echo.put(p + "tariffEnergyCnyPerKwh", f.tariffEnergyCnyPerKwh().toPlainString());
            echo.put(p + "tariffServiceCnyPerKwh", f.tariffServiceCnyPerKwh().toPlainString());
            echo.put(p + "tariffWaiverCnyPerKwh", f.tariffWaiverCnyPerKwh().toPlainString());
        }
        List<ReportTable.Column<?>> columns = new ArrayList<>(List.of(
                col("key", "Group", "分组", ReportViews.ShorePowerRow::key),
                col("label", "Name", "名称", ReportViews.ShorePowerRow::label),
                col("calls", "Calls", "靠港艘次", ReportViews.ShorePowerRow::calls),
                col("eligibleCalls", "Eligible calls", "应使用岸电艘次", ReportViews.ShorePowerRow::eligibleCalls),
                col(
                        "connectedCalls",
                        "Connected eligible calls",
                        "应使用且已使用艘次",
                        ReportViews.ShorePowerRow::connectedCalls),
                col("usageRate", "Usage rate", "岸电使用率", ReportViews.ShorePowerRow::usageRate),
                col("berthedHours", "Berthed hours (eligible)", "靠泊时长（小时）", ReportViews.ShorePowerRow::berthedHours),
                col(
                        "connectedHours",
                        "Connected hours (eligible)",
                        "接电时长（小时）",
                        ReportViews.ShorePowerRow::connectedHours),
                col("timeCoverage", "Time coverage", "接电时间覆盖率", ReportViews.ShorePowerRow::timeCoverage),
                col(
                        "shipFacilityCalls",
                        "Calls of ships with a facility",
                        "具备受电设施船舶艘次",
                        ReportViews.ShorePowerRow::shipFacilityCalls),
                col("compatibleCalls", "Compatible calls", "船岸匹配艘次", ReportViews.ShorePowerRow::compatibleCalls),
                col(
                        "compatibilityRate",
                        "Matching rate (ship/berth)",
                        "匹配率",
                        ReportViews.ShorePowerRow::compatibilityRate),
                col("violations", "Violations", "违规艘次", ReportViews.ShorePowerRow::violations),
                col("exemptions", "Exemptions", "豁免艘次", ReportViews.ShorePowerRow::exemptions)));
        for (String reason : ShorePowerReportService.REASONS) {
            ReportTable.Column<ReportViews.ShorePowerRow> c = col(
                    "exempt" + reason,
                    "Exempt: " + reason,
                    "豁免：" + REASONS_ZH.get(reason),
                    r -> r.exemptionsByReason().get(reason));
            columns.add(c);
        }
        columns.addAll(List.of(
                col("pending", "Pending (at berth)", "待判定", ReportViews.ShorePowerRow::pending),
                col("sessions", "Sessions", "接电次数", ReportViews.ShorePowerRow::sessions),
                col(
                        "matchedSessions",
                        "Sessions matched to a call",
                        "已匹配靠港的接电次数",
                        ReportViews.ShorePowerRow::matchedSessions),
                col(
                        "sessionMatchRate",
                        "Session matching rate",
                        "接电记录匹配率",
                        ReportViews.ShorePowerRow::sessionMatchRate),
                col("kwh", "kWh", "用电量（千瓦时）", ReportViews.ShorePowerRow::kwh),
                col("matchedKwh", "kWh to calls", "靠港船舶用电量（千瓦时）", ReportViews.ShorePowerRow::matchedKwh),
                col("callsWithSessions", "Calls with sessions", "使用岸电艘次", ReportViews.ShorePowerRow::callsWithSessions),
                col(
                        "kwhPerConnectedCall",
                        "kWh per connected call",
                        "艘次平均用电量（千瓦时）",
                        ReportViews.ShorePowerRow::kwhPerConnectedCall),
                col("avoidedCo2Kg", "Avoided CO2 (kg)", "减排二氧化碳（千克）", ReportViews.ShorePowerRow::avoidedCo2Kg),
                col("avoidedSo2Kg", "Avoided SO2 (kg)", "减排二氧化硫（千克）", ReportViews.ShorePowerRow::avoidedSo2Kg),
                col("avoidedNoxKg", "Avoided NOx (kg)", "减排氮氧化物（千克）", ReportViews.ShorePowerRow::avoidedNoxKg),
                col("avoidedCostCny", "Cost saved (CNY)", "节约费用（元）", ReportViews.ShorePowerRow::avoidedCostCny)));
        List<ReportViews.ShorePowerRow> rows = new ArrayList<>(report.rows());
        rows.add(report.total());
        return new ReportTable("Shore-power KPIs", "岸电使用情况统计", echo, columns, rows);
    }

    /** The Art. 18 record, one line per call and session. */
    static ReportTable art18(ReportViews.Art18List list) {
        return new ReportTable(
                "Shore-power records (Art. 18)",
                "岸电使用记录（第十八条）",
                list.filters(),
                List.of(
                        col("callId", "Call id", "靠港编号", ReportViews.Art18Line::callId),
                        col("port", "Port", "港口", ReportViews.Art18Line::port),
                        col("berthCode", "Berth code", "泊位编号", ReportViews.Art18Line::berthCode),
                        col("berth", "Berth", "泊位", ReportViews.Art18Line::berth),
                        col("vessel", "Ship", "船舶", ReportViews.Art18Line::vessel),
                        col("mmsi", "MMSI", "MMSI", ReportViews.Art18Line::mmsi),
                        col("imo", "IMO", "IMO编号", ReportViews.Art18Line::imo),
                        col("cnShipId", "Ship identification no.", "船舶识别号", ReportViews.Art18Line::cnShipId),
                        col("berthedAt", "Berthed", "靠泊时间", ReportViews.Art18Line::berthedAt),
                        col("unberthedAt", "Unberthed", "离泊时间", ReportViews.Art18Line::unberthedAt),
                        col("meter", "Meter", "电表", ReportViews.Art18Line::meter),
                        col("shorePowerStart", "Shore power start", "岸电开始时间", ReportViews.Art18Line::shorePowerStart),
                        col("shorePowerStop", "Shore power stop", "岸电结束时间", ReportViews.Art18Line::shorePowerStop),
                        col("kwh", "kWh", "用电量（千瓦时）", ReportViews.Art18Line::kwh),
                        col("sessionStatus", "Session status", "接电状态", ReportViews.Art18Line::sessionStatus),
                        col(
                                "faults",
                                "Faults (time, repair, description)",
                                "故障（时间、修复、描述）",
                                ReportViews.Art18Line::faults),
                        col("verdict", "Verdict", "判定结果", ReportViews.Art18Line::verdict),
                        col("exemptionReason", "Exemption reason", "豁免原因", ReportViews.Art18Line::exemptionReason)),
                list.items());
    }
}
