package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.CALL_YU_CONTAINER_OPEN;
import static io.shoreloop.testing.DemoUsers.CREW_YU_CONTAINER;
import static io.shoreloop.testing.DemoUsers.DISPOSER_SEWAGE_PLANT;
import static io.shoreloop.testing.DemoUsers.FACILITY_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.FACILITY_SEWAGE_PLANT;
import static io.shoreloop.testing.DemoUsers.FACILITY_TRANSPORTER;
import static io.shoreloop.testing.DemoUsers.RECEIVER_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.TRANSPORTER;
import static io.shoreloop.testing.DemoUsers.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.AppUser;
import io.shoreloop.ledger.Ledger;
import io.shoreloop.registry.Stream;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The deadline watch's marking over the real database, for each deadline (receipt 2 h after declaration, pickup 72 h
 * and disposal 30 days after receipt, the defaults): the manifests past one are marked with it and the event is in
 * their ledger chain; those within their deadlines, and closed ones, are left alone. A batch its receiver disposes of
 * itself waits for no pickup: only its disposal deadline applies. A stream's own deadline (garbage's pickup within 7
 * days in the test profile) applies to that stream's manifests only.
 */
@QuarkusTest
class OverdueMarkingTest {

    @Inject
    ManifestService manifests;

    @Inject
    Ledger ledger;

    @Test
    void eachDeadlineMarksTheManifestsPastItAndNoOthers() {
        Instant now = Instant.now();
        Map<String, UUID> cases = new LinkedHashMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            cases.put("declared 3 h ago", declared(now.minus(Duration.ofHours(3))));
            cases.put("declared 1 h ago", declared(now.minus(Duration.ofHours(1))));
            cases.put("received 4 days ago", received(now.minus(Duration.ofDays(4))));
            cases.put("received 2 days ago", received(now.minus(Duration.ofDays(2))));
            UUID stalled = received(now.minus(Duration.ofDays(31)));
            cases.put("received 31 days ago, never picked up", stalled);
            UUID inTransfer = received(now.minus(Duration.ofDays(31)));
            pickedUp(inTransfer, now.minus(Duration.ofDays(29)));
            cases.put("received 31 days ago, in transfer", inTransfer);
            UUID onTime = received(now.minus(Duration.ofDays(10)));
            pickedUp(onTime, now.minus(Duration.ofDays(9)));
            cases.put("received 10 days ago, in transfer", onTime);
            UUID closed = received(now.minus(Duration.ofDays(40)));
            pickedUp(closed, now.minus(Duration.ofDays(39)));
            disposed(closed, now.minus(Duration.ofDays(38)));
            cases.put("closed", closed);
            // a receiver that disposes of the batch itself: no pickup to wait for
            Actor selfDisposing = aReceiverAlsoLicensedTo("DISPOSE");
            cases.put(
                    "received 4 days ago for direct disposal",
                    receivedForDirectDisposal(selfDisposing, now.minus(Duration.ofDays(4))));
            cases.put(
                    "received 31 days ago for direct disposal",
                    receivedForDirectDisposal(selfDisposing, now.minus(Duration.ofDays(31))));
            // a receiver licensed to transport, not to dispose, that names itself picks the batch up itself: its
            // pickup deadline applies (naming itself alone waived it until 2026-12-08)
            cases.put(
                    "received 4 days ago by a receiver that picks up itself",
                    receivedForDirectDisposal(aReceiverAlsoLicensedTo("TRANSPORT"), now.minus(Duration.ofDays(4))));
            // garbage's own pickup deadline in the test profile: 7 days (shoreloop.manifest.garbage.pickup-deadline)
            cases.put("garbage received 4 days ago", received(Stream.GARBAGE, now.minus(Duration.ofDays(4))));
            cases.put("garbage received 8 days ago", received(Stream.GARBAGE, now.minus(Duration.ofDays(8))));
        });

        QuarkusTransaction.requiringNew().run(() -> manifests.markOverdue(DeadlineWatch.BATCH));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("declared 3 h ago", "RECEIPT");
        expected.put("declared 1 h ago", null);
        expected.put("received 4 days ago", "PICKUP");
        expected.put("received 2 days ago", null);
        expected.put("received 31 days ago, never picked up", "DISPOSAL");
        expected.put("received 31 days ago, in transfer", "DISPOSAL");
        expected.put("received 10 days ago, in transfer", null);
        expected.put("closed", null);
        expected.put("received 4 days ago for direct disposal", null);
        expected.put("received 31 days ago for direct disposal", "DISPOSAL");
        expected.put("received 4 days ago by a receiver that picks up itself", "PICKUP");
        expected.put("garbage received 4 days ago", null);
        expected.put("garbage received 8 days ago", "PICKUP");
        Map<String, String> marked = new LinkedHashMap<>();
        Map<String, String> recorded = new LinkedHashMap<>();
        QuarkusTransaction.requiringNew()
                .run(() -> cases.forEach((name, id) -> {
                    Manifest m = Manifest.findById(id);
                    marked.put(name, m.overdue() ? m.overdueDeadline() : null);
                    recorded.put(
                            name,
                            ledger.entries(id).stream()
                                    .filter(e -> e.type().equals("DEADLINE_MISSED"))
                                    .map(e -> e.payload().replaceAll(".*\"deadline\":\"([A-Z]+)\".*", "$1"))
                                    .reduce((a, b) -> a + "," + b)
                                    .orElse(null));
                }));
        assertEquals(expected, marked);
        assertEquals(expected, recorded, "the ledger records each missed deadline once");

        // the marks are checked against the ledger: one UPDATE took a manifest off the overdue list, unnoticed
        UUID late = cases.get("declared 3 h ago");
        tamperingIsDetected(
                late,
                "update manifest set overdue = false, overdue_since = null, overdue_deadline = null where id = '" + late
                        + "'",
                "update manifest set overdue = true, overdue_since = '" + overdueSince(late)
                        + "', overdue_deadline = 'RECEIPT' where id = '" + late + "'",
                "overdue mark");
    }

    private String overdueSince(UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Manifest.<Manifest>findById(id).overdueSince().toString());
    }

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    io.agroal.api.AgroalDataSource db;

    /** {@code tamper} is reported as the manifest's broken link naming {@code problem}; {@code restore} mends it. */
    private void tamperingIsDetected(UUID id, String tamper, String restore, String problem) {
        try (java.sql.Connection c = db.getConnection();
                java.sql.Statement st = c.createStatement()) {
            assertEquals(1, st.executeUpdate(tamper));
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(id.toString()))
                        .body("firstBrokenLink.problem", containsString(problem));
            } finally {
                st.executeUpdate(restore);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
    }

    /**
     * A discrepancy left open past its deadline (15 days) is escalated, and the escalation is in its manifest's chain
     * once, as every other event of a discrepancy is; a younger one is left alone.
     */
    @Test
    void anOpenDiscrepancyPastItsDeadlineIsEscalatedIntoTheLedger() {
        Instant now = Instant.now();
        Map<String, UUID> cases = new LinkedHashMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            cases.put("opened 20 days ago", receivedShort(now.minus(Duration.ofDays(20))));
            cases.put("opened 5 days ago", receivedShort(now.minus(Duration.ofDays(5))));
        });
        for (int run = 0; run < 2; run++) {
            QuarkusTransaction.requiringNew().run(() -> manifests.markOverdue(DeadlineWatch.BATCH));
        }
        Map<String, Long> escalations = new LinkedHashMap<>();
        Map<String, Boolean> escalated = new LinkedHashMap<>();
        QuarkusTransaction.requiringNew()
                .run(() -> cases.forEach((name, id) -> {
                    escalations.put(
                            name,
                            ledger.entries(id).stream()
                                    .filter(e -> e.type().equals("DISCREPANCY_ESCALATED"))
                                    .count());
                    escalated.put(
                            name,
                            Discrepancy.<Discrepancy>find("manifestId", id).firstResult().escalated);
                }));
        assertEquals(Map.of("opened 20 days ago", 1L, "opened 5 days ago", 0L), escalations);
        assertEquals(Map.of("opened 20 days ago", true, "opened 5 days ago", false), escalated);

        // a discrepancy closed, or a manifest taken off the discrepant list, behind Shoreloop's back
        UUID open = cases.get("opened 5 days ago");
        tamperingIsDetected(
                open,
                "update manifest_discrepancy set resolved_at = now(), resolution = 'Explained by both parties'"
                        + " where manifest_id = '" + open + "'",
                "update manifest_discrepancy set resolved_at = null, resolution = null where manifest_id = '" + open
                        + "'",
                "discrepancy");
        tamperingIsDetected(
                open,
                "update manifest set discrepant = false where id = '" + open + "'",
                "update manifest set discrepant = true where id = '" + open + "'",
                "discrepant mark");
        UUID old = cases.get("opened 20 days ago");
        tamperingIsDetected(
                old,
                "update manifest_discrepancy set escalated = false where manifest_id = '" + old + "'",
                "update manifest_discrepancy set escalated = true where manifest_id = '" + old + "'",
                "escalation");
    }

    /** Declared 4 m³ and received 2 (a discrepancy of 50 %) at {@code at}. */
    private UUID receivedShort(Instant at) {
        UUID id = declared(at.minus(Duration.ofMinutes(30)));
        at(at).receive(
                        actor(RECEIVER_GUOYUAN),
                        id,
                        null,
                        new ManifestViews.HandoverInput(
                                new BigDecimal("2"),
                                QuantityMethod.METERED,
                                UUID.fromString(FACILITY_TRANSPORTER),
                                null,
                                null,
                                null,
                                null));
        return id;
    }

    /**
     * A reception facility at Guoyuan also licensed to dispose of (or to transport) sewage (the demo has none), and its
     * receiver.
     */
    private static Actor aReceiverAlsoLicensedTo(String activity) {
        UUID facility = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        String code = "SELF-" + activity + "-" + facility.toString().substring(0, 8);
        var em = Manifest.getEntityManager();
        em.createNativeQuery("insert into facility (id, code, name, kind, port_id) values (?1, ?2, ?2, 'RECEPTION',"
                        + " (select id from port where code = 'CQ-GY'))")
                .setParameter(1, facility)
                .setParameter(2, code)
                .executeUpdate();
        em.createNativeQuery("insert into facility_licence (facility_id, activity, stream) values"
                        + " (?1, 'RECEIVE', 'SEWAGE'), (?1, ?2, 'SEWAGE')")
                .setParameter(1, facility)
                .setParameter(2, activity)
                .executeUpdate();
        em.createNativeQuery("insert into app_user (id, subject, display_name, role, party_id)"
                        + " values (?1, ?2, ?2, 'RECEIVER', ?3)")
                .setParameter(1, user)
                .setParameter(2, code.toLowerCase())
                .setParameter(3, facility)
                .executeUpdate();
        return new Actor(user, code.toLowerCase(), code, io.shoreloop.identity.Role.RECEIVER, facility, Set.of());
    }

    /** Received by a receiver that names itself as the next party. */
    private UUID receivedForDirectDisposal(Actor receiver, Instant at) {
        UUID id = draft(at.minus(Duration.ofMinutes(30)));
        at(at.minus(Duration.ofMinutes(30)))
                .declare(
                        actor(CREW_YU_CONTAINER),
                        id,
                        null,
                        new ManifestViews.DeclareInput(receiver.partyId(), null, null));
        at(at).receive(receiver, id, null, handover(receiver.partyId().toString(), null, null));
        return id;
    }

    private UUID draft(Instant at) {
        return draft(Stream.SEWAGE, at);
    }

    private UUID draft(Stream stream, Instant at) {
        return at(at).create(
                        actor(CREW_YU_CONTAINER),
                        new ManifestViews.DraftInput(
                                UUID.fromString(CALL_YU_CONTAINER_OPEN),
                                stream,
                                new BigDecimal("4"),
                                QuantityMethod.DECLARED,
                                null,
                                null,
                                null,
                                null,
                                null))
                .id();
    }

    private UUID declared(Instant at) {
        return declared(Stream.SEWAGE, at);
    }

    private UUID declared(Stream stream, Instant at) {
        UUID id = draft(stream, at);
        at(at).declare(
                        actor(CREW_YU_CONTAINER),
                        id,
                        null,
                        new ManifestViews.DeclareInput(UUID.fromString(FACILITY_GUOYUAN), null, null));
        return id;
    }

    private UUID received(Instant at) {
        return received(Stream.SEWAGE, at);
    }

    private UUID received(Stream stream, Instant at) {
        UUID id = declared(stream, at.minus(Duration.ofMinutes(30)));
        at(at).receive(actor(RECEIVER_GUOYUAN), id, null, handover(FACILITY_TRANSPORTER, null, null));
        return id;
    }

    private void pickedUp(UUID id, Instant at) {
        at(at).pickUp(actor(TRANSPORTER), id, null, handover(FACILITY_SEWAGE_PLANT, "渝A·D1234", null));
    }

    private void disposed(UUID id, Instant at) {
        at(at).dispose(actor(DISPOSER_SEWAGE_PLANT), id, null, handover(null, null, "biological treatment"));
    }

    private static ManifestViews.HandoverInput handover(String next, String vehicle, String treatment) {
        return new ManifestViews.HandoverInput(
                new BigDecimal("4"),
                QuantityMethod.METERED,
                next == null ? null : UUID.fromString(next),
                vehicle,
                treatment,
                null,
                null);
    }

    private ManifestService at(Instant at) {
        return manifests.withClock(Clock.fixed(at, ZoneOffset.UTC));
    }

    private static Actor actor(String subject) {
        AppUser u = AppUser.bySubject(subject).orElseThrow();
        return new Actor(u.id, u.subject, u.displayName, u.role, u.partyId, Set.of());
    }
}
