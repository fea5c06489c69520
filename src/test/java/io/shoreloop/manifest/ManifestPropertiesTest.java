package io.shoreloop.manifest;

import static io.shoreloop.manifest.ManifestFixtures.BUREAU;
import static io.shoreloop.manifest.ManifestFixtures.CALL;
import static io.shoreloop.manifest.ManifestFixtures.OTHER_VESSEL;
import static io.shoreloop.manifest.ManifestFixtures.PORT;
import static io.shoreloop.manifest.ManifestFixtures.VESSEL;
import static io.shoreloop.manifest.ManifestFixtures.contentHash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shoreloop.identity.Role;
import io.shoreloop.manifest.ManifestFixtures.LicenceBook;
import io.shoreloop.platform.DomainException;
import io.shoreloop.registry.Activity;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * R3: the loop only advances in order, each step by the right party. Random sequences of (action, signer,
 * quantities, details, licence changes) are applied to a fresh manifest and to {@link Reference}, a tiny state
 * machine written from the domain guide; after every attempt the aggregate must agree with it, and the invariants
 * below must hold. Sequences are biased towards the designated party and the natural next action (decided from the
 * reference, never from the aggregate), so that most of them travel far and many close the loop.
 */
class ManifestPropertiesTest {

    static final int TRIES = 10_000;
    static final AtomicInteger SEQUENCES = new AtomicInteger();

    // Six facilities whose licences are random per sequence (and change during it), two vessels, a bureau.
    static final List<UUID> FACILITIES = List.of(
            id("facility 0"), id("facility 1"), id("facility 2"), id("facility 3"), id("facility 4"), id("facility 5"));

    static final List<Signer> STRANGERS = strangers();

    private static List<Signer> strangers() {
        List<Signer> s = new ArrayList<>();
        s.add(new Signer(id("crew user"), VESSEL, Role.CREW));
        s.add(new Signer(id("other crew user"), OTHER_VESSEL, Role.CREW));
        for (UUID f : FACILITIES) {
            for (Role r : List.of(Role.RECEIVER, Role.TRANSPORTER, Role.DISPOSER)) {
                s.add(new Signer(id("user " + r + " at " + f), f, r));
            }
        }
        s.add(new Signer(id("bureau user"), BUREAU, Role.BUREAU));
        s.add(new Signer(id("admin user"), null, Role.ADMIN));
        s.add(new Signer(id("berth operator"), FACILITIES.get(0), Role.BERTH_OPERATOR));
        s.add(new Signer(id("crew of a facility?"), FACILITIES.get(1), Role.CREW));
        s.add(new Signer(id("a receiver of a vessel?"), VESSEL, Role.RECEIVER));
        return s;
    }

    // ------------------------------------------------------------------------------------------------ commands

    enum Op {
        RECORD_DRAFT,
        DECLARE,
        RECEIVE,
        PICK_UP,
        DISPOSE,
        REFUSE,
        CANCEL,
        TOGGLE_LICENCE
    }

    /** One attempt, as raw choices; {@link #resolve} turns them into a request against the reference state. */
    record Command(int opChoice, Op randomOp, int who, int role, int next, BigDecimal q1, BigDecimal q2, int flags) {}

    record Scenario(Stream stream, long licenceSeed, List<Command> commands) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Command> command = Combinators.combine(
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.of(Op.class),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 99),
                        quantities(),
                        quantities(),
                        Arbitraries.integers().between(0, 9_999))
                .as(Command::new);
        return Combinators.combine(
                        Arbitraries.of(Stream.class),
                        Arbitraries.longs(),
                        command.list().ofMinSize(8).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform()))
                .as(Scenario::new);
    }

    /** Mostly valid quantities (0.001 … 999999.999, 0 to 3 decimals), and every kind of invalid one. */
    static Arbitrary<BigDecimal> quantities() {
        Arbitrary<BigDecimal> valid = Combinators.combine(
                        Arbitraries.longs().between(1, 999_999_999L),
                        Arbitraries.integers().between(0, 3))
                .as(BigDecimal::valueOf);
        Arbitrary<BigDecimal> zero = Arbitraries.of(BigDecimal.ZERO, new BigDecimal("0.000"));
        Arbitrary<BigDecimal> negative = valid.map(BigDecimal::negate);
        Arbitrary<BigDecimal> fourDecimals =
                Arbitraries.longs().between(1, 99_999_999L).map(n -> BigDecimal.valueOf(n * 10 + 1, 4));
        Arbitrary<BigDecimal> huge = Arbitraries.of(new BigDecimal("100000000"), new BigDecimal("1E+9"));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(88, valid),
                        net.jqwik.api.Tuple.of(3, zero),
                        net.jqwik.api.Tuple.of(3, negative),
                        net.jqwik.api.Tuple.of(3, fourDecimals),
                        net.jqwik.api.Tuple.of(1, huge))
                .injectNull(0.02);
    }

    // ------------------------------------------------------------------------------------------------ the reference

    /** The reference state machine: what the domain guide says, and nothing else. */
    static final class Reference {
        final Stream stream;
        ManifestState state = ManifestState.DRAFT;
        UUID receiver;
        UUID designated;
        BigDecimal current;

        Reference(Stream stream, BigDecimal declared) {
            this.stream = stream;
            this.current = declared;
        }

        /** The legal edges of the state graph: a state is only reached from its predecessor. */
        static final Map<ManifestState, Set<ManifestState>> EDGES = Map.of(
                ManifestState.DRAFT, EnumSet.of(ManifestState.DECLARED, ManifestState.CANCELLED),
                ManifestState.DECLARED,
                        EnumSet.of(ManifestState.RECEIVED, ManifestState.CANCELLED, ManifestState.REFUSED),
                ManifestState.RECEIVED,
                        EnumSet.of(ManifestState.IN_TRANSFER, ManifestState.DISPOSED, ManifestState.REFUSED),
                ManifestState.IN_TRANSFER,
                        EnumSet.of(ManifestState.IN_TRANSFER, ManifestState.DISPOSED, ManifestState.REFUSED),
                ManifestState.DISPOSED, EnumSet.noneOf(ManifestState.class),
                ManifestState.CANCELLED, EnumSet.noneOf(ManifestState.class),
                ManifestState.REFUSED, EnumSet.noneOf(ManifestState.class));
    }

    /** A resolved request. */
    record Request(
            Op op,
            Signer signer,
            UUID next,
            BigDecimal quantity,
            BigDecimal refused,
            String reason,
            String vehicle,
            String treatment) {}

    /** What the reference expects: allowed (state after, designated after), or the rules broken (any may be named). */
    record Expectation(
            boolean allowed, ManifestState to, UUID designatedAfter, Set<Class<? extends DomainException>> broken) {}

    static Expectation expect(Reference ref, Request rq, Licences book) {
        Set<Class<? extends DomainException>> broken = new java.util.HashSet<>();
        Signer s = rq.signer();
        ManifestState st = ref.state;
        boolean designated = ref.designated != null && ref.designated.equals(s.partyId());
        boolean crew = s.role() == Role.CREW && VESSEL.equals(s.partyId());
        ManifestState to;
        UUID designatedAfter = ref.designated;
        switch (rq.op()) {
            case RECORD_DRAFT -> {
                return illegal();
            }
            case DECLARE -> {
                if (st != ManifestState.DRAFT) return illegal();
                if (!crew) broken.add(ManifestRules.WrongParty.class);
                if (rq.next() == null) broken.add(ManifestRules.DetailMissing.class);
                else if (!book.licensed(rq.next(), Activity.RECEIVE, ref.stream))
                    broken.add(ManifestRules.LicenceMissing.class);
                to = ManifestState.DECLARED;
                designatedAfter = rq.next();
            }
            case CANCEL -> {
                if (st != ManifestState.DRAFT && st != ManifestState.DECLARED) return illegal();
                if (!crew) broken.add(ManifestRules.WrongParty.class);
                if (blank(rq.reason())) broken.add(ManifestRules.DetailMissing.class);
                to = ManifestState.CANCELLED;
                designatedAfter = null;
            }
            case RECEIVE -> {
                if (st != ManifestState.DECLARED) return illegal();
                receipt(ref, rq, book, designated, broken);
                if (!valid(rq.quantity())) broken.add(ManifestRules.QuantityInvalid.class);
                to = ManifestState.RECEIVED;
                designatedAfter = rq.next();
            }
            case PICK_UP -> {
                if (st != ManifestState.RECEIVED && st != ManifestState.IN_TRANSFER) return illegal();
                pickup(ref, rq, book, designated, broken);
                if (!valid(rq.quantity())) broken.add(ManifestRules.QuantityInvalid.class);
                to = ManifestState.IN_TRANSFER;
                designatedAfter = rq.next();
            }
            case DISPOSE -> {
                if (st != ManifestState.RECEIVED && st != ManifestState.IN_TRANSFER) return illegal();
                disposal(ref, rq, book, designated, broken);
                if (!valid(rq.quantity())) broken.add(ManifestRules.QuantityInvalid.class);
                to = ManifestState.DISPOSED;
                designatedAfter = null;
            }
            case REFUSE -> {
                if (st != ManifestState.DECLARED && st != ManifestState.RECEIVED && st != ManifestState.IN_TRANSFER) {
                    return illegal();
                }
                if (blank(rq.reason())) broken.add(ManifestRules.DetailMissing.class);
                if (!valid(rq.refused())) broken.add(ManifestRules.QuantityInvalid.class);
                BigDecimal accepted = rq.quantity() == null ? BigDecimal.ZERO : rq.quantity();
                boolean acceptedValid = accepted.signum() == 0 || valid(accepted);
                if (!acceptedValid) broken.add(ManifestRules.QuantityInvalid.class);
                // the designated party refuses, in the role of the handover its accepted part stands for
                Op handover = refusalHandover(ref, s, designated);
                if (handover == null) {
                    broken.add(ManifestRules.WrongParty.class);
                    to = null;
                } else if (accepted.signum() == 0) {
                    to = ManifestState.REFUSED;
                    designatedAfter = null;
                } else {
                    switch (handover) {
                        case RECEIVE -> {
                            receipt(ref, rq, book, true, broken);
                            to = ManifestState.RECEIVED;
                            designatedAfter = rq.next();
                        }
                        case PICK_UP -> {
                            pickup(ref, rq, book, true, broken);
                            to = ManifestState.IN_TRANSFER;
                            designatedAfter = rq.next();
                        }
                        default -> {
                            disposal(ref, rq, book, true, broken);
                            to = ManifestState.DISPOSED;
                            designatedAfter = null;
                        }
                    }
                }
            }
            default -> throw new AssertionError(rq.op());
        }
        return broken.isEmpty()
                ? new Expectation(true, to, designatedAfter, Set.of())
                : new Expectation(false, null, null, broken);
    }

    /** Which handover a refusal by this signer stands for, or null when the signer is not the designated party. */
    static Op refusalHandover(Reference ref, Signer s, boolean designated) {
        if (!designated) return null;
        return switch (ref.state) {
            case DECLARED -> s.role() == Role.RECEIVER ? Op.RECEIVE : null;
            case RECEIVED ->
                s.role() == Role.TRANSPORTER
                        ? Op.PICK_UP
                        : (s.role() == Role.RECEIVER || s.role() == Role.DISPOSER)
                                        && ref.designated.equals(ref.receiver)
                                ? Op.DISPOSE
                                : null;
            case IN_TRANSFER ->
                s.role() == Role.TRANSPORTER ? Op.PICK_UP : s.role() == Role.DISPOSER ? Op.DISPOSE : null;
            default -> null;
        };
    }

    static void receipt(
            Reference ref,
            Request rq,
            Licences book,
            boolean designated,
            Set<Class<? extends DomainException>> broken) {
        if (!designated || rq.signer().role() != Role.RECEIVER) broken.add(ManifestRules.WrongParty.class);
        else if (!book.licensed(rq.signer().partyId(), Activity.RECEIVE, ref.stream))
            broken.add(ManifestRules.LicenceMissing.class);
        if (rq.next() == null) {
            broken.add(ManifestRules.DetailMissing.class);
        } else {
            boolean transporter = book.licensed(rq.next(), Activity.TRANSPORT, ref.stream);
            boolean itselfDisposing =
                    rq.next().equals(ref.receiver) && book.licensed(rq.next(), Activity.DISPOSE, ref.stream);
            if (!transporter && !itselfDisposing) broken.add(ManifestRules.LicenceMissing.class);
        }
    }

    static void pickup(
            Reference ref,
            Request rq,
            Licences book,
            boolean designated,
            Set<Class<? extends DomainException>> broken) {
        if (!designated || rq.signer().role() != Role.TRANSPORTER) broken.add(ManifestRules.WrongParty.class);
        else if (!book.licensed(rq.signer().partyId(), Activity.TRANSPORT, ref.stream))
            broken.add(ManifestRules.LicenceMissing.class);
        if (blank(rq.vehicle())) broken.add(ManifestRules.DetailMissing.class);
        if (rq.next() == null) {
            broken.add(ManifestRules.DetailMissing.class);
        } else if (!book.licensed(rq.next(), Activity.DISPOSE, ref.stream)
                && !book.licensed(rq.next(), Activity.TRANSPORT, ref.stream)) {
            broken.add(ManifestRules.LicenceMissing.class);
        }
    }

    static void disposal(
            Reference ref,
            Request rq,
            Licences book,
            boolean designated,
            Set<Class<? extends DomainException>> broken) {
        Role role = rq.signer().role();
        boolean party = ref.state == ManifestState.RECEIVED
                ? designated && ref.designated.equals(ref.receiver) && (role == Role.RECEIVER || role == Role.DISPOSER)
                : designated && role == Role.DISPOSER;
        if (!party) broken.add(ManifestRules.WrongParty.class);
        else if (!book.licensed(rq.signer().partyId(), Activity.DISPOSE, ref.stream))
            broken.add(ManifestRules.LicenceMissing.class);
        if (blank(rq.treatment())) broken.add(ManifestRules.DetailMissing.class);
    }

    static Expectation illegal() {
        return new Expectation(false, null, null, Set.of(ManifestRules.IllegalTransition.class));
    }

    static boolean valid(BigDecimal q) {
        return q != null
                && q.signum() > 0
                && q.stripTrailingZeros().scale() <= 3
                && q.compareTo(new BigDecimal("100000000")) < 0;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    // ------------------------------------------------------------------------------------------------ resolving

    /** Turns raw choices into a request, biased (from the reference only) towards the natural next step. */
    static Request resolve(Command c, Reference ref, LicenceBook book) {
        Op op = c.opChoice() < 70 ? naturalOp(ref, c.opChoice(), book) : c.randomOp();
        Signer signer;
        if (c.who() < 75) {
            UUID party = op == Op.DECLARE || op == Op.CANCEL || ref.designated == null ? VESSEL : ref.designated;
            Role role =
                    c.role() < 85 ? naturalRole(op, ref, party, book) : Role.values()[c.role() % Role.values().length];
            signer = new Signer(id("user " + role + " at " + party), party, role);
        } else {
            signer = STRANGERS.get(c.who() % STRANGERS.size());
        }
        UUID next = nextFor(op, ref, c.next(), book);
        int f = c.flags();
        String reason = f % 20 == 0 ? (f % 40 == 0 ? null : " ") : "reason " + f;
        String vehicle = (f / 20) % 20 == 0 ? null : "渝A·" + f;
        String treatment = (f / 400) % 20 == 0 ? "" : "treatment " + f;
        BigDecimal quantity = c.q1();
        if (op == Op.REFUSE && (f / 8000) == 1) {
            quantity = (f % 2 == 0) ? BigDecimal.ZERO : null; // a full refusal
        }
        return new Request(op, signer, next, quantity, c.q2(), reason, vehicle, treatment);
    }

    static Op naturalOp(Reference ref, int choice, LicenceBook book) {
        boolean refuse = choice % 6 == 0;
        return switch (ref.state) {
            case DRAFT -> choice % 10 == 1 ? Op.CANCEL : Op.DECLARE;
            case DECLARED -> refuse ? Op.REFUSE : choice % 15 == 1 ? Op.CANCEL : Op.RECEIVE;
            case RECEIVED ->
                refuse ? Op.REFUSE : ref.designated.equals(ref.receiver) && choice % 4 != 1 ? Op.DISPOSE : Op.PICK_UP;
            case IN_TRANSFER ->
                refuse
                        ? Op.REFUSE
                        : book.licensed(ref.designated, Activity.DISPOSE, ref.stream) && choice % 4 != 1
                                ? Op.DISPOSE
                                : Op.PICK_UP;
            default -> Op.values()[choice % Op.values().length];
        };
    }

    static Role naturalRole(Op op, Reference ref, UUID party, LicenceBook book) {
        return switch (op) {
            case DECLARE, CANCEL, RECORD_DRAFT, TOGGLE_LICENCE -> Role.CREW;
            case RECEIVE -> Role.RECEIVER;
            case PICK_UP -> Role.TRANSPORTER;
            case DISPOSE -> ref.state == ManifestState.RECEIVED ? Role.RECEIVER : Role.DISPOSER;
            case REFUSE ->
                switch (ref.state) {
                    case DECLARED -> Role.RECEIVER;
                    case RECEIVED -> party.equals(ref.receiver) ? Role.RECEIVER : Role.TRANSPORTER;
                    default -> book.licensed(party, Activity.DISPOSE, ref.stream) ? Role.DISPOSER : Role.TRANSPORTER;
                };
        };
    }

    /** Where the request names the batch to: mostly a party fit for the next stage, sometimes anyone or nobody. */
    static UUID nextFor(Op op, Reference ref, int choice, LicenceBook book) {
        if (choice < 5) return null;
        if (choice < 12) return choice % 2 == 0 ? VESSEL : BUREAU;
        List<UUID> fit = new ArrayList<>();
        for (UUID f : FACILITIES) {
            boolean ok = switch (op) {
                case DECLARE -> book.licensed(f, Activity.RECEIVE, ref.stream);
                case RECEIVE ->
                    book.licensed(f, Activity.TRANSPORT, ref.stream)
                            || f.equals(ref.receiver) && book.licensed(f, Activity.DISPOSE, ref.stream);
                case REFUSE ->
                    ref.state == ManifestState.DECLARED
                            ? book.licensed(f, Activity.TRANSPORT, ref.stream)
                                    || f.equals(ref.receiver) && book.licensed(f, Activity.DISPOSE, ref.stream)
                            : book.licensed(f, Activity.TRANSPORT, ref.stream)
                                    || book.licensed(f, Activity.DISPOSE, ref.stream);
                default ->
                    book.licensed(f, Activity.TRANSPORT, ref.stream) || book.licensed(f, Activity.DISPOSE, ref.stream);
            };
            if (ok) fit.add(f);
        }
        if (choice < 75 && !fit.isEmpty()) return fit.get(choice % fit.size());
        return FACILITIES.get(choice % FACILITIES.size());
    }

    // ------------------------------------------------------------------------------------------------ the property

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void theLoopOnlyAdvancesInOrderEachStepByTheRightParty(@ForAll("scenarios") Scenario scenario) {
        SEQUENCES.incrementAndGet();
        LicenceBook book = randomBook(scenario.licenceSeed());
        Stream stream = scenario.stream();
        Signer crew = new Signer(id("crew user"), VESSEL, Role.CREW);
        Instant clock = Instant.parse("2025-06-01T00:00:00Z");
        Manifest m = Manifest.draft(
                UUID.randomUUID(),
                "SL-PROP",
                CALL,
                VESSEL,
                PORT,
                ManifestFixtures.aBatchOf(stream, "25.5"),
                null,
                null,
                crew,
                clock);
        m.recordDraft(crew);
        Reference ref = new Reference(stream, m.declaredQuantity());
        BigDecimal declared = m.declaredQuantity();
        List<ManifestState> path = new ArrayList<>(List.of(ManifestState.DRAFT));
        int partialRefusals = 0;

        for (Command c : scenario.commands()) {
            clock = clock.plus(Duration.ofMinutes(7));
            Request rq = resolve(c, ref, book);
            if (rq.op() == Op.TOGGLE_LICENCE) {
                // a facility gains or loses a licence for the stream (the registry changes under the manifest)
                UUID f = FACILITIES.get(c.next() % FACILITIES.size());
                Activity a = Activity.values()[c.flags() % 3];
                if (book.licensed(f, a, stream)) book.revoke(f, a, stream);
                else book.grant(f, a, stream);
                continue;
            }
            Expectation expected = expect(ref, rq, book);

            String hashBefore = contentHash(m);
            int stepsBefore = m.steps().size();
            ManifestState stateBefore = m.state();
            BigDecimal qtyBefore = m.currentQuantity();
            UUID nextBefore = m.nextPartyId();

            StepSigned event;
            try {
                event = apply(m, rq, book, clock);
            } catch (DomainException e) {
                if (expected.allowed()) {
                    fail("refused what the reference allows: " + rq + " in " + describe(ref) + ": " + e);
                }
                assertTrue(
                        expected.broken().contains(e.getClass()),
                        "refused " + rq + " in " + describe(ref) + " with "
                                + e.getClass().getSimpleName() + ", expected one of " + expected.broken());
                // a refused attempt changes nothing
                assertEquals(hashBefore, contentHash(m), "refused attempt changed the content");
                assertEquals(stepsBefore, m.steps().size());
                assertEquals(stateBefore, m.state());
                assertEquals(qtyBefore, m.currentQuantity());
                assertEquals(nextBefore, m.nextPartyId());
                continue;
            }
            if (!expected.allowed()) {
                fail("allowed what breaks " + expected.broken() + ": " + rq + " in " + describe(ref) + " → "
                        + m.state());
            }

            // the state matches the reference, and was reached from its predecessor
            assertEquals(expected.to(), m.state(), "state after " + rq);
            assertTrue(
                    Reference.EDGES.get(stateBefore).contains(m.state()),
                    "skipped a stage: " + stateBefore + " → " + m.state());
            assertEquals(expected.designatedAfter(), m.nextPartyId(), "designated after " + rq);
            path.add(m.state());

            // one step, signed by the designated party with the right role and licence
            assertEquals(stepsBefore + 1, m.steps().size());
            Step step = m.lastStep().orElseThrow();
            assertEquals(event.step(), step);
            assertEquals(stepsBefore, event.seq());
            assertEquals(rq.signer().partyId(), step.partyId());
            assertEquals(rq.signer().role(), step.role());
            assertEquals(rq.signer().userId(), step.userId());
            assertSignedByTheRightParty(ref, stateBefore, step, book);
            assertEquals(contentHash(m), step.contentHash(), "the step signs the content as it is now");
            assertTrue(!hashBefore.equals(step.contentHash()));

            // quantities: never negative, never from nothing
            assertEquals(0, declared.compareTo(m.declaredQuantity()), "the declaration never changes");
            assertTrue(m.currentQuantity().signum() >= 0, "negative quantity");
            if (step.quantity() != null) {
                assertEquals(m.currentQuantity(), step.quantity(), "the current quantity is the one last signed for");
            } else {
                assertEquals(qtyBefore, m.currentQuantity());
            }
            if (step.action() == ManifestAction.REFUSE) {
                assertNotNull(step.refusedQuantity());
                assertTrue(step.refusedQuantity().signum() > 0);
                assertEquals(
                        0,
                        step.quantity().add(step.refusedQuantity()).compareTo(event.observedQuantity()),
                        "accepted + refused = what the step found");
                Manifest linked = Manifest.forRefusedPart(
                        m, UUID.randomUUID(), "SL-LINKED", step.refusedQuantity(), step.method(), rq.signer(), clock);
                assertEquals(ManifestState.DRAFT, linked.state());
                assertEquals(m.id(), linked.parentId());
                assertEquals(m.stream(), linked.stream());
                assertEquals(
                        0,
                        m.currentQuantity().add(linked.declaredQuantity()).compareTo(event.observedQuantity()),
                        "the accepted and the linked refused part add up to what the step found");
                if (m.state() != ManifestState.REFUSED) partialRefusals++;
            }
            if (m.state().isFinal()) {
                assertNull(m.nextPartyId(), "nobody is designated after the end");
                assertNotNull(m.closedAt());
            }

            ref.state = expected.to();
            ref.designated = expected.designatedAfter();
            if (rq.op() == Op.DECLARE) ref.receiver = rq.next();
            ref.current = m.currentQuantity();
        }

        // the whole history is a path through the graph, and the steps tell the same story
        assertEquals(ManifestAction.DRAFT, m.steps().get(0).action());
        assertEquals(path.size(), m.steps().size(), "one step per state change");
        Statistics.label("final state").collect(m.state());
        Statistics.label("steps").collect(Math.min(m.steps().size(), 6));
        Statistics.label("partial refusal").collect(partialRefusals > 0);
        Statistics.label("partial refusal").coverage(cov -> cov.check(true).percentage(p -> p >= 5));
        Statistics.label("final state").coverage(cov -> {
            cov.check(ManifestState.DISPOSED).percentage(p -> p >= 10);
            cov.check(ManifestState.REFUSED).percentage(p -> p >= 1);
            cov.check(ManifestState.CANCELLED).percentage(p -> p >= 1);
            cov.check(ManifestState.IN_TRANSFER).percentage(p -> p >= 1);
        });
    }

    @AfterContainer
    static void atLeastTenThousandSequences() {
        assertTrue(SEQUENCES.get() >= 10_000, "sequences tried: " + SEQUENCES.get());
    }

    static StepSigned apply(Manifest m, Request rq, Licences book, Instant now) {
        Manifest.Quantity q = new Manifest.Quantity(rq.quantity(), QuantityMethod.METERED);
        return switch (rq.op()) {
            case RECORD_DRAFT -> m.recordDraft(rq.signer());
            case DECLARE -> m.declare(rq.signer(), rq.next(), null, book, now);
            case RECEIVE -> m.receive(rq.signer(), q, rq.next(), null, book, now);
            case PICK_UP -> m.pickUp(rq.signer(), q, rq.vehicle(), rq.next(), null, book, now);
            case DISPOSE -> m.dispose(rq.signer(), q, rq.treatment(), null, book, now);
            case CANCEL -> m.cancel(rq.signer(), rq.reason(), now);
            case REFUSE ->
                m.refuse(
                        rq.signer(),
                        q,
                        rq.refused(),
                        rq.reason(),
                        rq.vehicle(),
                        rq.treatment(),
                        rq.next(),
                        null,
                        book,
                        now);
            case TOGGLE_LICENCE -> throw new AssertionError();
        };
    }

    /** Every accepted step was signed by the party designated before it, in the right role, holding the licence. */
    static void assertSignedByTheRightParty(Reference ref, ManifestState before, Step step, Licences book) {
        UUID party = step.partyId();
        Role role = step.role();
        String what = step.action() + " by " + role + " at " + party + " in " + describe(ref);
        switch (step.action()) {
            case DECLARE, CANCEL -> assertTrue(role == Role.CREW && VESSEL.equals(party), what);
            case RECEIVE ->
                assertTrue(
                        party.equals(ref.designated)
                                && role == Role.RECEIVER
                                && book.licensed(party, Activity.RECEIVE, ref.stream),
                        what);
            case PICKUP ->
                assertTrue(
                        party.equals(ref.designated)
                                && role == Role.TRANSPORTER
                                && book.licensed(party, Activity.TRANSPORT, ref.stream),
                        what);
            case DISPOSE ->
                assertTrue(
                        party.equals(ref.designated)
                                && book.licensed(party, Activity.DISPOSE, ref.stream)
                                && (before == ManifestState.IN_TRANSFER
                                        ? role == Role.DISPOSER
                                        : party.equals(ref.receiver)
                                                && (role == Role.RECEIVER || role == Role.DISPOSER)),
                        what);
            case REFUSE -> assertTrue(party != null && party.equals(ref.designated), what);
            case DRAFT -> fail("the drafting was recorded again: " + what);
        }
    }

    static String describe(Reference ref) {
        return ref.state + " (receiver " + ref.receiver + ", designated " + ref.designated + ", stream " + ref.stream
                + ")";
    }

    /** Each facility × activity × stream licensed with probability 0.55. */
    static LicenceBook randomBook(long seed) {
        Random random = new Random(seed);
        LicenceBook book = new LicenceBook();
        for (UUID f : FACILITIES) {
            for (Activity a : Activity.values()) {
                for (Stream s : Stream.values()) {
                    if (random.nextInt(100) < 55) book.grant(f, a, s);
                }
            }
        }
        return book;
    }

    static UUID id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
