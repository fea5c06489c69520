package io.shoreloop.demo;

import io.shoreloop.identity.Actor;
import io.shoreloop.identity.AppUser;
import io.shoreloop.manifest.ManifestService;
import io.shoreloop.manifest.ManifestViews;
import io.shoreloop.manifest.QuantityMethod;
import io.shoreloop.registry.Stream;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

/**
 * A few days of manifest history for the demo, recorded through the manifest service as the demo users would have
 * signed it (so every step is in the ledger and verifies): one closed loop, one in transfer with a discrepancy, one
 * received tank-washing batch, one overdue declaration, one cancelled, one fully refused with its linked draft, and
 * a draft.
 */
@ApplicationScoped
class DemoHistory {

    static final UUID CALL_YU_CONTAINER_1 = id("0008", 1);
    static final UUID CALL_YU_RORO_8 = id("0008", 2);
    static final UUID CALL_CHANGJIANG = id("0008", 3);
    static final UUID CALL_YU_CARGO = id("0008", 4);
    static final UUID CALL_CHANGHUA = id("0008", 5);
    static final UUID CALL_YU_CONTAINER_NOW = id("0008", 6);
    static final UUID GUOYUAN_RECEPTION = id("0006", 1);
    static final UUID CHUANWEI = id("0006", 2);
    static final UUID TRANSPORTER = id("0006", 4);
    static final UUID SEWAGE_PLANT = id("0006", 5);

    private final ManifestService manifests;

    DemoHistory(ManifestService manifests) {
        this.manifests = manifests;
    }

    /** Records the history; call inside the demo loader's transaction. */
    void record(Instant now) {
        Instant base = now.truncatedTo(ChronoUnit.HOURS);
        Actor crewYuContainer = actor("demo-crew-yu-container-1");
        Actor crewRoro = actor("demo-crew-yu-roro-8");
        Actor crewChangjiang = actor("demo-crew-changjiang-1");
        Actor crewCargo = actor("demo-crew-yu-cargo-168");
        Actor crewChanghua = actor("demo-crew-changhua-9");
        Actor guoyuan = actor("demo-receiver-guoyuan");
        Actor chuanwei = actor("demo-receiver-chuanwei");
        Actor transporter = actor("demo-transporter-yuhuan");
        Actor sewagePlant = actor("demo-disposer-sewage-plant");

        // 1. a closed loop: sewage from Yu Container 1, disposed of at the municipal plant
        UUID closed = draft(at(base, -71), crewYuContainer, CALL_YU_CONTAINER_1, Stream.SEWAGE, "12", null, null);
        at(base, -71)
                .declare(crewYuContainer, closed, null, new ManifestViews.DeclareInput(GUOYUAN_RECEPTION, null, null));
        at(base, -70).receive(guoyuan, closed, null, handover("11.6", QuantityMethod.METERED, TRANSPORTER, null, null));
        at(base, -50)
                .pickUp(
                        transporter,
                        closed,
                        null,
                        handover("11.6", QuantityMethod.METERED, SEWAGE_PLANT, "渝A·D1234", null));
        at(base, -48)
                .dispose(
                        sewagePlant,
                        closed,
                        null,
                        handover("11.5", QuantityMethod.METERED, null, null, "A²/O 生化处理 biological treatment"));

        // 2. refused in full by the reception facility; the refused batch is back with the ship as a linked draft
        UUID refused = draft(at(base, -70), crewYuContainer, CALL_YU_CONTAINER_1, Stream.OILY_WATER, "3", null, null);
        at(base, -70)
                .declare(crewYuContainer, refused, null, new ManifestViews.DeclareInput(GUOYUAN_RECEPTION, null, null));
        at(base, -69)
                .refuse(
                        guoyuan,
                        refused,
                        null,
                        new ManifestViews.RefuseInput(
                                BigDecimal.ZERO,
                                new BigDecimal("3"),
                                QuantityMethod.GAUGED,
                                "含水率过高，请交危废接收点 water content too high for our tank; hand over to a hazardous-waste reception",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null));

        // 3. declared and never received: overdue after 2 h
        UUID overdue = draft(at(base, -47), crewRoro, CALL_YU_RORO_8, Stream.OILY_WATER, "2.5", null, null);
        at(base, -47).declare(crewRoro, overdue, null, new ManifestViews.DeclareInput(GUOYUAN_RECEPTION, null, null));

        // 4. cancelled by the crew
        UUID cancelled = draft(at(base, -45), crewCargo, CALL_YU_CARGO, Stream.SEWAGE, "1.2", null, null);
        at(base, -45)
                .declare(crewCargo, cancelled, null, new ManifestViews.DeclareInput(GUOYUAN_RECEPTION, null, null));
        at(base, -44).cancel(crewCargo, cancelled, null, new ManifestViews.CancelInput("重复录入 duplicate entry"));

        // 5. cruise ship sewage: 15 % less received than declared (discrepancy), now on the barge
        UUID transfer = draft(at(base, -29), crewChangjiang, CALL_CHANGJIANG, Stream.SEWAGE, "80", null, null);
        at(base, -29)
                .declare(crewChangjiang, transfer, null, new ManifestViews.DeclareInput(GUOYUAN_RECEPTION, null, null));
        at(base, -28).receive(guoyuan, transfer, null, handover("68", QuantityMethod.METERED, TRANSPORTER, null, null));
        at(base, -22)
                .pickUp(
                        transporter,
                        transfer,
                        null,
                        handover("68", QuantityMethod.METERED, SEWAGE_PLANT, "渝环驳1 Yuhuan barge 1", null));

        // 6. tank-washing water of a palm-oil cargo (NLS Y, solidifying) received at the Chuanwei base
        UUID washing = draft(
                at(base, -30),
                crewChanghua,
                CALL_CHANGHUA,
                Stream.TANK_WASHING,
                "18",
                "棕榈油 Palm oil",
                io.shoreloop.calls.VesselCall.NlsCategory.Y);
        at(base, -30).declare(crewChanghua, washing, null, new ManifestViews.DeclareInput(CHUANWEI, null, null));
        at(base, -29)
                .receive(chuanwei, washing, null, handover("17.5", QuantityMethod.GAUGED, TRANSPORTER, null, null));

        // 7. a draft for garbage on the ship now at berth
        draft(at(base, -2), crewYuContainer, CALL_YU_CONTAINER_NOW, Stream.GARBAGE, "150", null, null);

        manifests.markOverdue(100);
    }

    private ManifestService at(Instant base, int hours) {
        return manifests.withClock(Clock.fixed(base.plus(Duration.ofHours(hours)), ZoneOffset.UTC));
    }

    private static UUID draft(
            ManifestService service,
            Actor crew,
            UUID call,
            Stream stream,
            String quantity,
            String cargo,
            io.shoreloop.calls.VesselCall.NlsCategory nls) {
        return service.create(
                        crew,
                        new ManifestViews.DraftInput(
                                call,
                                stream,
                                new BigDecimal(quantity),
                                QuantityMethod.DECLARED,
                                cargo,
                                nls,
                                null,
                                null,
                                null))
                .id();
    }

    private static ManifestViews.HandoverInput handover(
            String quantity, QuantityMethod method, UUID next, String vehicle, String treatment) {
        return new ManifestViews.HandoverInput(new BigDecimal(quantity), method, next, vehicle, treatment, null, null);
    }

    private static Actor actor(String subject) {
        AppUser u = AppUser.bySubject(subject).orElseThrow();
        return new Actor(u.id, u.subject, u.displayName, u.role, u.partyId, Set.of());
    }

    private static UUID id(String type, int n) {
        return UUID.fromString(String.format("00000000-0000-0000-%s-%012d", type, n));
    }
}
