package io.shoreloop.report;

import static io.shoreloop.report.ReportTable.col;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.registry.Stream;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/reports}: what bureaus audit (closure rates, ageing of open manifests, overdue and discrepant lists),
 * scoped to the caller's jurisdiction. Every report answers JSON, CSV ({@code Accept: text/csv}) or XLSX ({@code
 * Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet}); {@code ?lang=zh} gives Chinese headers.
 */
@Path("/api/v1/reports")
@Authenticated
@Tag(name = "Reports")
public class ReportResource {

    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final String CSV = "text/csv";

    private final ReportService reports;
    private final ShorePowerReportService shorePower;
    private final CurrentActor actor;
    private final ShoreloopConfig config;
    private final HttpHeaders headers;

    public ReportResource(
            ReportService reports,
            ShorePowerReportService shorePower,
            CurrentActor actor,
            ShoreloopConfig config,
            HttpHeaders headers) {
        this.reports = reports;
        this.shorePower = shorePower;
        this.actor = actor;
        this.config = config;
        this.headers = headers;
    }

    /** The filters shared by the reports; months as {@code 2026-01}. */
    public static class FilterParams {
        @QueryParam("from")
        public String from;

        @QueryParam("to")
        public String to;

        @QueryParam("portId")
        public UUID portId;

        @QueryParam("stream")
        public Stream stream;

        @QueryParam("groupBy")
        public String groupBy;

        @QueryParam("lang")
        public String lang;

        ReportService.Filter filter() {
            return new ReportService.Filter(
                    month("from", from), month("to", to), portId, stream, ReportResource.groupBy(groupBy));
        }
    }

    /** The filters of the shore-power reports; months of arrival as {@code 2026-01} (default: the current month). */
    public static class ShorePowerParams {
        @QueryParam("from")
        public String from;

        @QueryParam("to")
        public String to;

        @QueryParam("portId")
        public UUID portId;

        @QueryParam("groupBy")
        public String groupBy;

        @QueryParam("lang")
        public String lang;

        ShorePowerReportService.Filter filter() {
            ReportViews.ShorePowerGroupBy g = null;
            if (groupBy != null && !groupBy.isBlank()) {
                try {
                    g = ReportViews.ShorePowerGroupBy.valueOf(groupBy.trim().toUpperCase());
                } catch (IllegalArgumentException e) {
                    throw new io.shoreloop.platform.Problems.InvalidField(
                            "invalid-grouping", "groupBy", "groupBy must be port, company, vessel, berth or month");
                }
            }
            return new ShorePowerReportService.Filter(month("from", from), month("to", to), portId, g);
        }
    }

    static YearMonth month(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        YearMonth month;
        try {
            month = YearMonth.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new io.shoreloop.platform.Problems.InvalidField(
                    "invalid-month", field, field + " must be a month such as 2026-01");
        }
        String problem = io.shoreloop.platform.InputRules.monthProblem(month);
        if (problem != null) {
            throw new io.shoreloop.platform.Problems.InvalidField("invalid-month", field, field + " " + problem);
        }
        return month;
    }

    static ReportViews.GroupBy groupBy(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ReportViews.GroupBy.valueOf(value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new io.shoreloop.platform.Problems.InvalidField(
                    "invalid-grouping", "groupBy", "groupBy must be port, facility, vessel, stream or month");
        }
    }

    @GET
    @Path("closure")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response closure(@BeanParam FilterParams params) {
        ReportViews.ClosureReport report = reports.closure(actor.get(), params.filter());
        List<ReportViews.ClosureRow> all = new java.util.ArrayList<>(report.rows());
        all.addAll(report.totals());
        return answer(report, "closure", params.lang, () -> closureTable(report.filters(), all));
    }

    @GET
    @Path("ageing")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response ageing(@BeanParam FilterParams params) {
        ReportViews.AgeingReport report = reports.ageing(actor.get(), params.portId, params.stream);
        return answer(report, "ageing", params.lang, () -> {
            java.util.Map<String, String> echo = new java.util.LinkedHashMap<>(report.filters());
            echo.put("asOf", report.asOf().toString());
            return new ReportTable(
                    "Open manifests by age since declaration",
                    "未闭环联单账龄",
                    echo,
                    List.of(
                            col("portId", "Port id", "港口编号", ReportViews.AgeingRow::portId),
                            col("port", "Port", "港口", ReportViews.AgeingRow::port),
                            col("state", "Stage", "环节", ReportViews.AgeingRow::state),
                            col("under2h", "Under 2 h", "2小时内", ReportViews.AgeingRow::under2h),
                            col("from2hTo1d", "2 h to 1 day", "2小时至1天", ReportViews.AgeingRow::from2hTo1d),
                            col("from1dTo3d", "1 to 3 days", "1至3天", ReportViews.AgeingRow::from1dTo3d),
                            col("from3dTo7d", "3 to 7 days", "3至7天", ReportViews.AgeingRow::from3dTo7d),
                            col("from7dTo30d", "7 to 30 days", "7至30天", ReportViews.AgeingRow::from7dTo30d),
                            col("over30d", "Over 30 days", "30天以上", ReportViews.AgeingRow::over30d),
                            col("total", "Total", "合计", ReportViews.AgeingRow::total)),
                    report.rows());
        });
    }

    @GET
    @Path("overdue")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response overdue(
            @BeanParam FilterParams params,
            @QueryParam("includeClosed") @DefaultValue("false") boolean includeClosed,
            @BeanParam Paging.Params paging) {
        return list(ReportService.ListKind.OVERDUE, params, includeClosed, paging);
    }

    @GET
    @Path("discrepant")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response discrepant(@BeanParam FilterParams params, @BeanParam Paging.Params paging) {
        return list(ReportService.ListKind.DISCREPANT, params, false, paging);
    }

    /**
     * Shore-power KPIs per port, company (port operator), vessel, berth or month: usage rate, time coverage, energy,
     * session matching, ship/berth compatibility, violations, exemptions by reason, avoided emissions and cost (with
     * the factors used), and the totals.
     */
    @GET
    @Path("shore-power")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response shorePower(@BeanParam ShorePowerParams params) {
        ReportViews.ShorePowerReport report = shorePower.kpis(actor.get(), params.filter());
        return answer(report, "shore-power", params.lang, () -> ShorePowerTables.kpis(report));
    }

    /**
     * The Art. 18 record (港口和船舶岸电管理办法): berth, ship, berthing and unberthing, shore-power start and stop, kWh,
     * overlapping faults and the verdict, one line per shore-power relevant call and session.
     */
    @GET
    @Path("shore-power/art18")
    @Produces({MediaType.APPLICATION_JSON, CSV, XLSX})
    public Response art18(@BeanParam ShorePowerParams params, @BeanParam Paging.Params paging) {
        Paging.Request page = page(paging);
        ReportViews.Art18List list = shorePower.art18(actor.get(), params.filter(), page.page(), page.size());
        return answer(list, "shore-power-art18", params.lang, () -> ShorePowerTables.art18(list));
    }

    /** JSON lists are paged; an export carries up to {@code shoreloop.report.export-max-rows} rows. */
    private Paging.Request page(Paging.Params paging) {
        return format().equals(MediaType.APPLICATION_JSON)
                ? paging.resolve(config.paging())
                : new Paging.Request(0, config.report().exportMaxRows());
    }

    /**
     * Recomputes the read model from the manifest tables (admin; after a bulk load). With an {@code Idempotency-Key} a
     * retried request answers the first answer and does not rebuild again.
     */
    @POST
    @Path("rebuild")
    @io.shoreloop.platform.idempotency.Idempotent
    @Produces(MediaType.APPLICATION_JSON)
    public org.jboss.resteasy.reactive.RestResponse<ReportViews.Rebuilt> rebuild() {
        // a RestResponse: on a replay the idempotency interceptor answers the stored response instead
        return org.jboss.resteasy.reactive.RestResponse.ok(reports.rebuild(actor.get()));
    }

    private Response list(
            ReportService.ListKind kind, FilterParams params, boolean includeClosed, Paging.Params paging) {
        Paging.Request page = page(paging);
        ReportViews.ManifestList list =
                reports.list(actor.get(), kind, params.filter(), includeClosed, page.page(), page.size());
        boolean overdue = kind == ReportService.ListKind.OVERDUE;
        return answer(
                list,
                overdue ? "overdue" : "discrepant",
                params.lang,
                () -> new ReportTable(
                        overdue ? "Overdue manifests" : "Discrepant manifests",
                        overdue ? "超期联单" : "数量差异联单",
                        list.filters(),
                        List.of(
                                col("id", "Manifest id", "联单编号", ReportViews.ManifestLine::id),
                                col("number", "Number", "联单号", ReportViews.ManifestLine::number),
                                col("href", "Link", "链接", ReportViews.ManifestLine::href),
                                col("port", "Port", "港口", ReportViews.ManifestLine::port),
                                col("vessel", "Vessel", "船舶", ReportViews.ManifestLine::vessel),
                                col("receiver", "Reception facility", "接收单位", ReportViews.ManifestLine::receiver),
                                col("stream", "Stream", "污染物类别", ReportViews.ManifestLine::stream),
                                col("unit", "Unit", "单位", ReportViews.ManifestLine::unit),
                                col("state", "State", "状态", ReportViews.ManifestLine::state),
                                col("declaredQty", "Declared quantity", "申报数量", ReportViews.ManifestLine::declaredQty),
                                col("currentQty", "Current quantity", "当前数量", ReportViews.ManifestLine::currentQty),
                                col("declaredAt", "Declared at", "申报时间", ReportViews.ManifestLine::declaredAt),
                                col("overdueSince", "Overdue since", "超期起始", ReportViews.ManifestLine::overdueSince),
                                col(
                                        "overdueDeadline",
                                        "Missed deadline",
                                        "超期环节",
                                        ReportViews.ManifestLine::overdueDeadline),
                                col(
                                        "openDiscrepancies",
                                        "Open discrepancies",
                                        "未解决差异",
                                        ReportViews.ManifestLine::openDiscrepancies)),
                        list.items()));
    }

    static ReportTable closureTable(java.util.Map<String, String> filters, List<ReportViews.ClosureRow> rows) {
        return new ReportTable(
                "Manifest closure rates",
                "联单闭环率",
                filters,
                List.of(
                        col("key", "Group", "分组", ReportViews.ClosureRow::key),
                        col("label", "Name", "名称", ReportViews.ClosureRow::label),
                        col("unit", "Unit", "单位", ReportViews.ClosureRow::unit),
                        col("declared", "Declared", "申报数", ReportViews.ClosureRow::declared),
                        col("received", "Received", "接收数", ReportViews.ClosureRow::received),
                        col("transferred", "Transferred", "转运数", ReportViews.ClosureRow::transferred),
                        col("disposed", "Disposed", "处置数", ReportViews.ClosureRow::disposed),
                        col("open", "Open", "未闭环", ReportViews.ClosureRow::open),
                        col("refused", "Refused", "拒收", ReportViews.ClosureRow::refused),
                        col("overdue", "Overdue", "超期", ReportViews.ClosureRow::overdue),
                        col("discrepant", "Discrepant", "数量差异", ReportViews.ClosureRow::discrepant),
                        col("declaredQty", "Declared quantity", "申报量", ReportViews.ClosureRow::declaredQty),
                        col("receivedQty", "Received quantity", "接收量", ReportViews.ClosureRow::receivedQty),
                        col("transferredQty", "Transferred quantity", "转运量", ReportViews.ClosureRow::transferredQty),
                        col("disposedQty", "Disposed quantity", "处置量", ReportViews.ClosureRow::disposedQty),
                        col("receivedRate", "Received ÷ declared", "接收率（件数）", ReportViews.ClosureRow::receivedRate),
                        col(
                                "transferredRate",
                                "Transferred ÷ received",
                                "转运率（件数）",
                                ReportViews.ClosureRow::transferredRate),
                        col("disposedRate", "Disposed ÷ received", "处置率（件数）", ReportViews.ClosureRow::disposedRate),
                        col(
                                "receivedQtyRate",
                                "Received ÷ declared (quantity)",
                                "接收率（数量）",
                                ReportViews.ClosureRow::receivedQtyRate),
                        col(
                                "transferredQtyRate",
                                "Transferred ÷ received (quantity)",
                                "转运率（数量）",
                                ReportViews.ClosureRow::transferredQtyRate),
                        col(
                                "disposedQtyRate",
                                "Disposed ÷ received (quantity)",
                                "处置率（数量）",
                                ReportViews.ClosureRow::disposedQtyRate),
                        col("ttcP50Hours", "Time to close p50 (h)", "闭环时长P50（小时）", ReportViews.ClosureRow::ttcP50Hours),
                        col(
                                "ttcP90Hours",
                                "Time to close p90 (h)",
                                "闭环时长P90（小时）",
                                ReportViews.ClosureRow::ttcP90Hours)),
                rows);
    }

    /** The media type the client prefers among JSON, CSV and XLSX. */
    private String format() {
        for (MediaType t : headers.getAcceptableMediaTypes()) {
            if (t.isCompatible(MediaType.valueOf(CSV)) && !t.isWildcardType()) {
                return CSV;
            }
            if (t.getSubtype().equals("vnd.openxmlformats-officedocument.spreadsheetml.sheet")) {
                return XLSX;
            }
            if (t.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return MediaType.APPLICATION_JSON;
            }
        }
        return MediaType.APPLICATION_JSON;
    }

    private Response answer(Object json, String name, String lang, java.util.function.Supplier<ReportTable> table) {
        String format = format();
        if (format.equals(CSV)) {
            return Response.ok(table.get().csv(lang), CSV + ";charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                    .build();
        }
        if (format.equals(XLSX)) {
            ReportTable t = table.get();
            StreamingOutput body = out -> t.xlsx(lang, out);
            return Response.ok(body, XLSX)
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"")
                    .build();
        }
        return Response.ok(json, MediaType.APPLICATION_JSON).build();
    }
}
