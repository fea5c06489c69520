package io.shoreloop.manifest;

import static io.shoreloop.manifest.ManifestFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.identity.Role;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.registry.Activity;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest state machine, exhaustively: every situation (each state, and for RECEIVED and IN_TRANSFER each kind
 * of designated next party) × every action × every party, including the right party whose licence is missing. The
 * expected answer comes from {@link #oracle}, written from the domain guide ("The manifest (联单)") and the issue's
 * lifecycle rules, not from the implementation. Then focused tests of the details.
 */
class ManifestStateMachineTest {

    // ------------------------------------------------------------------------------------------------ the table

    /** A manifest in a state, with what the test knows about how it got there (who is designated next). */
    enum Situation {
        DRAFT(ManifestState.DRAFT, null, ManifestFixtures::aDraftManifest),
        DECLARED(ManifestState.DECLARED, RECEIVER, ManifestFixtures::aDeclaredManifest),
        RECEIVED_NAMING_A_TRANSPORTER(ManifestState.RECEIVED, TRANSPORTER, ManifestFixtures::aReceivedManifest),
        RECEIVED_FOR_DIRECT_DISPOSAL(
                ManifestState.RECEIVED, RECEIVER, ManifestFixtures::aManifestReceivedForDirectDisposal),
        IN_TRANSFER_NAMING_A_PLANT(ManifestState.IN_TRANSFER, PLANT, ManifestFixtures::aManifestInTransfer),
        IN_TRANSFER_NAMING_A_FURTHER_TRANSPORTER(
                ManifestState.IN_TRANSFER, TRANSPORTER, ManifestFixtures::aManifestInTransferToAFurtherTransporter),
        DISPOSED(ManifestState.DISPOSED, null, ManifestFixtures::aDisposedManifest),
        CANCELLED(ManifestState.CANCELLED, null, ManifestFixtures::aCancelledManifest),
        REFUSED(ManifestState.REFUSED, null, ManifestFixtures::aRefusedManifest);

        final ManifestState state;
        final UUID designated;
        final Supplier<Manifest> fixture;

        Situation(ManifestState state, UUID designated, Supplier<Manifest> fixture) {
            this.state = state;
            this.designated = designated;
            this.fixture = fixture;
        }
    }

    /** Every action, refusal split into full and partial (their rules differ: only a partial one hands over). */
    enum Act {
        RECORD_DRAFT,
        DECLARE,
        RECEIVE,
        PICK_UP,
        DISPOSE,
        CANCEL,
        REFUSE_ALL,
        REFUSE_PART
    }

    /** Someone acting, with the licence book as it stands when they act. */
    record Actor(String name, Signer signer, LicenceBook book) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Actor> actors() {
        LicenceBook book = aLicenceBook();
        return List.of(
                new Actor("crew of the vessel", crewOfTheVessel(), book),
                new Actor(
                        "crew of the vessel, the receiver having lost its licence",
                        crewOfTheVessel(),
                        book.without(RECEIVER)),
                new Actor("crew of another vessel", crewOfAnotherVessel(), book),
                new Actor("the designated receiver", theDesignatedReceiver(), book),
                new Actor(
                        "the designated receiver, having lost its licences",
                        theDesignatedReceiver(),
                        book.without(RECEIVER)),
                new Actor("an unlicensed receiver", anUnlicensedReceiver(), book),
                new Actor("a licensed transporter", aLicensedTransporter(), book),
                new Actor(
                        "a licensed transporter, having lost its licence",
                        aLicensedTransporter(),
                        book.without(TRANSPORTER)),
                new Actor("an unlicensed transporter", anUnlicensedTransporter(), book),
                new Actor("a plant licensed for the stream", aLicensedPlant(), book),
                new Actor("a licensed plant, having lost its licence", aLicensedPlant(), book.without(PLANT)),
                new Actor("a plant not licensed for the stream", anUnlicensedPlant(), book),
                new Actor("a bureau", aBureau(), book),
                new Actor("an admin", anAdmin(), book));
    }

    enum Verdict {
        ALLOWED,
        WRONG_PARTY,
        ILLEGAL_TRANSITION,
        LICENCE_MISSING,
        OTHER
    }

    record Outcome(Verdict verdict, ManifestState to) {
        static Outcome allowed(ManifestState to) {
            return new Outcome(Verdict.ALLOWED, to);
        }

        static final Outcome WRONG = new Outcome(Verdict.WRONG_PARTY, null);
        static final Outcome ILLEGAL = new Outcome(Verdict.ILLEGAL_TRANSITION, null);
        static final Outcome LICENCE = new Outcome(Verdict.LICENCE_MISSING, null);

        @Override
        public String toString() {
            return verdict == Verdict.ALLOWED ? "allowed → " + to : verdict.toString();
        }
    }

    /** Where a well-formed request in this situation names the batch to next. */
    static UUID nextNamedBy(Act act, Situation s) {
        return switch (act) {
            case DECLARE -> RECEIVER;
            case RECEIVE -> TRANSPORTER;
            case REFUSE_PART -> s.state == ManifestState.DECLARED ? TRANSPORTER : PLANT;
            default -> PLANT;
        };
    }

    /**
     * The rules, from the domain guide: each step is signed by the party that takes the batch over (designated by
     * the previous step), in its role, holding the licence for what it does with the stream, and only in order.
     * Precedence: wrong state, then wrong party, then a missing licence.
     */
    static Outcome oracle(Situation s, Act act, Actor actor) {
        Signer who = actor.signer();
        Licences book = actor.book();
        ManifestState state = s.state;
        boolean crewOfTheVessel = who.role() == Role.CREW && VESSEL.equals(who.partyId());
        boolean designated = s.designated != null && s.designated.equals(who.partyId());
        boolean theReceiverItself = designated && s.designated.equals(RECEIVER);
        UUID next = nextNamedBy(act, s);
        switch (act) {
            case RECORD_DRAFT:
                // the drafting is recorded once, as the first step; every fixture already has it
                return Outcome.ILLEGAL;
            case DECLARE:
                if (state != ManifestState.DRAFT) return Outcome.ILLEGAL;
                if (!crewOfTheVessel) return Outcome.WRONG;
                if (!book.licensed(next, Activity.RECEIVE, STREAM)) return Outcome.LICENCE;
                return Outcome.allowed(ManifestState.DECLARED);
            case CANCEL:
                if (state != ManifestState.DRAFT && state != ManifestState.DECLARED) return Outcome.ILLEGAL;
                if (!crewOfTheVessel) return Outcome.WRONG;
                return Outcome.allowed(ManifestState.CANCELLED);
            case RECEIVE:
                if (state != ManifestState.DECLARED) return Outcome.ILLEGAL;
                return receipt(who, book, designated, next);
            case PICK_UP:
                if (state != ManifestState.RECEIVED && state != ManifestState.IN_TRANSFER) return Outcome.ILLEGAL;
                return pickup(who, book, designated, next);
            case DISPOSE:
                if (state != ManifestState.RECEIVED && state != ManifestState.IN_TRANSFER) return Outcome.ILLEGAL;
                return disposal(state, who, book, designated, theReceiverItself);
            case REFUSE_ALL:
            case REFUSE_PART:
                if (state != ManifestState.DECLARED
                        && state != ManifestState.RECEIVED
                        && state != ManifestState.IN_TRANSFER) {
                    return Outcome.ILLEGAL;
                }
                // the designated party refuses; a partial refusal hands the accepted part over exactly like the
                // handover it stands for, which the signer's role tells
                Outcome handover = switch (state) {
                    case DECLARED -> receipt(who, book, designated, next);
                    default ->
                        who.role() == Role.TRANSPORTER
                                ? pickup(who, book, designated, next)
                                : disposal(state, who, book, designated, theReceiverItself);
                };
                if (handover.verdict() == Verdict.WRONG_PARTY) return Outcome.WRONG;
                return act == Act.REFUSE_ALL ? Outcome.allowed(ManifestState.REFUSED) : handover;
            default:
                throw new AssertionError(act);
        }
    }

    private static Outcome receipt(Signer who, Licences book, boolean designated, UUID next) {
        if (!designated || who.role() != Role.RECEIVER) return Outcome.WRONG;
        if (!book.licensed(who.partyId(), Activity.RECEIVE, STREAM)) return Outcome.LICENCE;
        boolean nextTransports = book.licensed(next, Activity.TRANSPORT, STREAM);
        boolean nextIsItselfAndDisposes = next.equals(who.partyId()) && book.licensed(next, Activity.DISPOSE, STREAM);
        if (!nextTransports && !nextIsItselfAndDisposes) return Outcome.LICENCE;
        return Outcome.allowed(ManifestState.RECEIVED);
    }

    private static Outcome pickup(Signer who, Licences book, boolean designated, UUID next) {
        if (!designated || who.role() != Role.TRANSPORTER) return Outcome.WRONG;
        if (!book.licensed(who.partyId(), Activity.TRANSPORT, STREAM)) return Outcome.LICENCE;
        if (!book.licensed(next, Activity.DISPOSE, STREAM) && !book.licensed(next, Activity.TRANSPORT, STREAM)) {
            return Outcome.LICENCE;
        }
        return Outcome.allowed(ManifestState.IN_TRANSFER);
    }

    private static Outcome disposal(
            ManifestState state, Signer who, Licences book, boolean designated, boolean theReceiverItself) {
        boolean party = state == ManifestState.RECEIVED
                ? theReceiverItself && (who.role() == Role.RECEIVER || who.role() == Role.DISPOSER)
                : designated && who.role() == Role.DISPOSER;
        if (!party) return Outcome.WRONG;
        if (!book.licensed(who.partyId(), Activity.DISPOSE, STREAM)) return Outcome.LICENCE;
        return Outcome.allowed(ManifestState.DISPOSED);
    }

    /** Performs a well-formed request for {@code act}: every detail given, quantities valid. */
    static void perform(Manifest m, Situation s, Act act, Actor actor) {
        Signer who = actor.signer();
        Licences book = actor.book();
        UUID next = nextNamedBy(act, s);
        switch (act) {
            case RECORD_DRAFT -> m.recordDraft(who);
            case DECLARE -> m.declare(who, next, null, book, now());
            case RECEIVE -> m.receive(who, metered("12.000"), next, "flowmeter log 17", book, now());
            case PICK_UP -> m.pickUp(who, metered("11.900"), "渝A·12345", next, null, book, now());
            case DISPOSE -> m.dispose(who, metered("11.800"), "biological treatment", null, book, now());
            case CANCEL -> m.cancel(who, "the ship leaves early", now());
            case REFUSE_ALL ->
                m.refuse(
                        who,
                        metered("0"),
                        new BigDecimal("12.000"),
                        "not what was declared",
                        null,
                        null,
                        null,
                        null,
                        book,
                        now());
            case REFUSE_PART ->
                m.refuse(
                        who,
                        metered("9.000"),
                        new BigDecimal("3.000"),
                        "part of it is oily",
                        "渝A·12345",
                        "biological treatment",
                        next,
                        null,
                        book,
                        now());
        }
    }

    static Verdict verdictOf(RuntimeException e) {
        if (e instanceof ManifestRules.WrongParty) return Verdict.WRONG_PARTY;
        if (e instanceof ManifestRules.IllegalTransition) return Verdict.ILLEGAL_TRANSITION;
        if (e instanceof ManifestRules.LicenceMissing) return Verdict.LICENCE_MISSING;
        return Verdict.OTHER;
    }

    @Test
    void everyStateTimesEveryActionTimesEveryParty() {
        List<Actor> actors = actors();
        List<String> mismatches = new ArrayList<>();
        Set<Verdict> seen = EnumSet.noneOf(Verdict.class);
        Set<ManifestState> reached = EnumSet.noneOf(ManifestState.class);
        int checked = 0;
        for (Situation s : Situation.values()) {
            for (Act act : Act.values()) {
                for (Actor actor : actors) {
                    checked++;
                    Manifest m = s.fixture.get();
                    assertEquals(s.state, m.state(), "fixture " + s);
                    assertEquals(s.designated, m.nextPartyId(), "fixture " + s);
                    Outcome expected = oracle(s, act, actor);
                    String before = contentHash(m);
                    int stepsBefore = m.steps().size();
                    Outcome actual;
                    try {
                        perform(m, s, act, actor);
                        actual = Outcome.allowed(m.state());
                        assertEquals(stepsBefore + 1, m.steps().size(), "one step per allowed action");
                        Step last = m.lastStep().orElseThrow();
                        assertEquals(actor.signer().partyId(), last.partyId());
                        assertEquals(actor.signer().role(), last.role());
                        assertEquals(contentHash(m), last.contentHash());
                        reached.add(m.state());
                    } catch (RuntimeException e) {
                        actual = new Outcome(verdictOf(e), null);
                        if (actual.verdict() == Verdict.OTHER) {
                            actual = new Outcome(Verdict.OTHER, null);
                            mismatches.add(s + " × " + act + " × " + actor + ": unexpected " + e);
                            continue;
                        }
                        assertEquals(before, contentHash(m), "a refused action changes nothing: " + s + act + actor);
                        assertEquals(stepsBefore, m.steps().size());
                    }
                    seen.add(actual.verdict());
                    if (!expected.equals(actual)) {
                        mismatches.add(s + " × " + act + " × " + actor + ": expected " + expected + ", got " + actual);
                    }
                }
            }
        }
        assertEquals(9 * 8 * 14, checked, "situations × actions × parties");
        assertEquals(Situation.values().length * Act.values().length * actors.size(), checked);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
        assertEquals(
                EnumSet.of(Verdict.ALLOWED, Verdict.WRONG_PARTY, Verdict.ILLEGAL_TRANSITION, Verdict.LICENCE_MISSING),
                seen,
                "the table exercises every verdict");
        assertEquals(
                EnumSet.of(
                        ManifestState.DECLARED,
                        ManifestState.RECEIVED,
                        ManifestState.IN_TRANSFER,
                        ManifestState.DISPOSED,
                        ManifestState.CANCELLED,
                        ManifestState.REFUSED),
                reached,
                "the table reaches every state but DRAFT");
    }

    /** A few rows written out by hand, so that the oracle itself is pinned down. */
    @Test
    void theOracleSaysWhatTheDomainGuideSays() {
        List<Actor> a = actors();
        Actor crew = a.get(0), crewUnlicensedReceiver = a.get(1), otherCrew = a.get(2), receiver = a.get(3);
        Actor receiverWithoutLicence = a.get(4), transporter = a.get(6), plant = a.get(9), bureau = a.get(12);
        assertEquals(Outcome.allowed(ManifestState.DECLARED), oracle(Situation.DRAFT, Act.DECLARE, crew));
        assertEquals(Outcome.LICENCE, oracle(Situation.DRAFT, Act.DECLARE, crewUnlicensedReceiver));
        assertEquals(Outcome.WRONG, oracle(Situation.DRAFT, Act.DECLARE, otherCrew));
        assertEquals(Outcome.ILLEGAL, oracle(Situation.DRAFT, Act.RECEIVE, receiver));
        assertEquals(Outcome.allowed(ManifestState.RECEIVED), oracle(Situation.DECLARED, Act.RECEIVE, receiver));
        assertEquals(Outcome.LICENCE, oracle(Situation.DECLARED, Act.RECEIVE, receiverWithoutLicence));
        assertEquals(Outcome.WRONG, oracle(Situation.DECLARED, Act.RECEIVE, transporter));
        assertEquals(Outcome.allowed(ManifestState.CANCELLED), oracle(Situation.DECLARED, Act.CANCEL, crew));
        assertEquals(Outcome.ILLEGAL, oracle(Situation.RECEIVED_NAMING_A_TRANSPORTER, Act.CANCEL, crew));
        assertEquals(
                Outcome.WRONG,
                oracle(Situation.RECEIVED_NAMING_A_TRANSPORTER, Act.DISPOSE, receiver),
                "once a transporter is named, the receiver can no longer dispose of the batch itself");
        assertEquals(
                Outcome.allowed(ManifestState.DISPOSED),
                oracle(Situation.RECEIVED_FOR_DIRECT_DISPOSAL, Act.DISPOSE, receiver));
        assertEquals(
                Outcome.allowed(ManifestState.IN_TRANSFER),
                oracle(Situation.IN_TRANSFER_NAMING_A_FURTHER_TRANSPORTER, Act.REFUSE_PART, transporter));
        assertEquals(
                Outcome.allowed(ManifestState.REFUSED),
                oracle(Situation.IN_TRANSFER_NAMING_A_PLANT, Act.REFUSE_ALL, plant));
        assertEquals(Outcome.WRONG, oracle(Situation.IN_TRANSFER_NAMING_A_PLANT, Act.DISPOSE, bureau));
        assertEquals(Outcome.ILLEGAL, oracle(Situation.DISPOSED, Act.DISPOSE, plant));
    }

    // ------------------------------------------------------------------------------------------------ details

    @Test
    void tankWashingNeedsTheCargoNameAndItsNlsCategory() {
        var noCargo = assertThrows(ManifestRules.DetailMissing.class, () -> drafted(aTankWashingBatch(null, "Y")));
        assertEquals("cargoName", noCargo.field());
        assertThrows(ManifestRules.DetailMissing.class, () -> drafted(aTankWashingBatch("  ", "Y")));
        var noCategory =
                assertThrows(ManifestRules.DetailMissing.class, () -> drafted(aTankWashingBatch("Methanol", null)));
        assertEquals("nlsCategory", noCategory.field());

        Manifest m = drafted(aTankWashingBatch("Methanol", "Y"));
        assertEquals("Methanol", m.cargoName());
        assertEquals("Y", m.nlsCategory());
        assertEquals(QuantityUnit.M3, m.unit());
        assertEquals("Methanol", m.content().get("cargoName"), "the cargo is part of the signed content");
    }

    @Test
    void otherStreamsDoNotNeedACargo() {
        for (Stream stream : EnumSet.complementOf(EnumSet.of(Stream.TANK_WASHING))) {
            Manifest m = drafted(new Manifest.Batch(stream, BigDecimal.ONE, null, null, null, null, null));
            assertEquals(stream.unit(), m.unit());
            assertEquals(QuantityMethod.DECLARED, m.declaredMethod(), "a crew estimate unless said otherwise");
        }
    }

    @Test
    void onlyGarbageHasAGarbageCategory() {
        Manifest garbage = drafted(aGarbageBatch(Stream.GARBAGE, "C"));
        assertEquals("C", garbage.garbageCategory());
        assertEquals(QuantityUnit.KG, garbage.unit());
        assertEquals("C", garbage.content().get("garbageCategory"));
        assertNull(drafted(aGarbageBatch(Stream.GARBAGE, null)).garbageCategory(), "the category is optional");
        for (Stream stream : EnumSet.complementOf(EnumSet.of(Stream.GARBAGE))) {
            var e = assertThrows(
                    ManifestRules.DetailMissing.class,
                    () -> drafted(
                            stream == Stream.TANK_WASHING
                                    ? new Manifest.Batch(stream, BigDecimal.ONE, null, "Methanol", "Y", "C", null)
                                    : aGarbageBatch(stream, "C")),
                    stream.toString());
            assertEquals("garbageCategory", e.field());
        }
    }

    @Test
    void onlyTheCrewOfTheVesselDraftsItsManifests() {
        for (Signer who :
                List.of(crewOfAnotherVessel(), theDesignatedReceiver(), aLicensedTransporter(), aBureau(), anAdmin())) {
            assertThrows(
                    ManifestRules.WrongParty.class,
                    () -> Manifest.draft(
                            UUID.randomUUID(), "SL-X", CALL, VESSEL, PORT, aSewageBatch(), null, null, who, now()),
                    who.toString());
        }
    }

    @Test
    void theDraftingIsRecordedOnceAsTheFirstStep() {
        Manifest m = drafted(aSewageBatch());
        StepSigned first = m.recordDraft(crewOfTheVessel());
        assertEquals(0, first.seq());
        assertEquals(ManifestAction.DRAFT, first.action());
        assertEquals(new BigDecimal("12.500"), first.step().quantity());
        assertNull(first.previousQuantity());
        assertThrows(ManifestRules.IllegalTransition.class, () -> m.recordDraft(crewOfTheVessel()));
        assertThrows(
                ManifestRules.IllegalTransition.class, () -> aDisposedManifest().recordDraft(crewOfTheVessel()));
        assertEquals(1, m.steps().size());
    }

    @Test
    void declaringNeedsAReceiverLicensedForTheStream() {
        Manifest m = aDraftManifest();
        assertThrows(
                ManifestRules.DetailMissing.class,
                () -> m.declare(crewOfTheVessel(), null, null, aLicenceBook(), now()));
        var e = assertThrows(
                ManifestRules.LicenceMissing.class,
                () -> m.declare(crewOfTheVessel(), UNLICENSED_RECEIVER, null, aLicenceBook(), now()));
        assertEquals("receiverId", e.field());
        assertThrows(
                ManifestRules.LicenceMissing.class,
                () -> m.declare(crewOfTheVessel(), TRANSPORTER, null, aLicenceBook(), now()),
                "a transporter is not a reception facility");
        assertEquals(ManifestState.DRAFT, m.state());
        m.declare(crewOfTheVessel(), RECEIVER, null, aLicenceBook(), now());
        assertEquals(RECEIVER, m.receiverId());
        assertEquals(RECEIVER, m.nextPartyId());
    }

    @Test
    void cancellingNeedsAReason() {
        Manifest m = aDeclaredManifest();
        assertThrows(ManifestRules.DetailMissing.class, () -> m.cancel(crewOfTheVessel(), " ", now()));
        assertThrows(ManifestRules.DetailMissing.class, () -> m.cancel(crewOfTheVessel(), null, now()));
        m.cancel(crewOfTheVessel(), "ship diverted", now());
        assertEquals("ship diverted", m.cancelReason());
        assertNull(m.nextPartyId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.000", "-1", "-0.001", "1.0001", "0.0001", "100000000"})
    void aQuantityIsMoreThanZeroWithAtMostThreeDecimals(String bad) {
        BigDecimal value = new BigDecimal(bad);
        assertThrows(
                ManifestRules.QuantityInvalid.class,
                () -> drafted(new Manifest.Batch(STREAM, value, null, null, null, null, null)));
        Manifest declared = aDeclaredManifest();
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.receive(
                        theDesignatedReceiver(), metered(bad), TRANSPORTER, null, aLicenceBook(), now()));
        Manifest received = aReceivedManifest();
        assertUnchangedAfter(
                received,
                ManifestRules.QuantityInvalid.class,
                () -> received.pickUp(
                        aLicensedTransporter(), metered(bad), "渝A·1", PLANT, null, aLicenceBook(), now()));
        Manifest inTransfer = aManifestInTransfer();
        assertUnchangedAfter(
                inTransfer,
                ManifestRules.QuantityInvalid.class,
                () -> inTransfer.dispose(aLicensedPlant(), metered(bad), "incineration", null, aLicenceBook(), now()));
        assertUnchangedAfter(
                inTransfer,
                ManifestRules.QuantityInvalid.class,
                () -> inTransfer.refuse(
                        aLicensedPlant(),
                        metered("1"),
                        value,
                        "contaminated",
                        null,
                        "incineration",
                        null,
                        null,
                        aLicenceBook(),
                        now()));
    }

    /** domain.md: "Quantities always carry a unit and a method"; a handover without one changes nothing. */
    @Test
    void aHandoverWithoutItsMethodIsInvalid() {
        Manifest.Quantity unmeasured = new Manifest.Quantity(new java.math.BigDecimal("12.000"), null);
        Manifest declared = aDeclaredManifest();
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.receive(theDesignatedReceiver(), unmeasured, TRANSPORTER, null, aLicenceBook(), now()));
        Manifest received = aReceivedManifest();
        assertUnchangedAfter(
                received,
                ManifestRules.QuantityInvalid.class,
                () -> received.pickUp(
                        aLicensedTransporter(), unmeasured, "渝A·12345", PLANT, null, aLicenceBook(), now()));
        Manifest inTransfer = aManifestInTransfer();
        assertUnchangedAfter(
                inTransfer,
                ManifestRules.QuantityInvalid.class,
                () -> inTransfer.dispose(aLicensedPlant(), unmeasured, "incineration", null, aLicenceBook(), now()));
        // a partial refusal hands the accepted part over: it needs its method too
        assertUnchangedAfter(
                inTransfer,
                ManifestRules.QuantityInvalid.class,
                () -> inTransfer.refuse(
                        aLicensedPlant(),
                        new Manifest.Quantity(new java.math.BigDecimal("9.000"), null),
                        new java.math.BigDecimal("3.000"),
                        "part of it is oily",
                        null,
                        "incineration",
                        null,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @Test
    void aMissingQuantityIsInvalid() {
        Manifest declared = aDeclaredManifest();
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.receive(
                        theDesignatedReceiver(), metered(null), TRANSPORTER, null, aLicenceBook(), now()));
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.refuse(
                        theDesignatedReceiver(),
                        metered("1"),
                        null,
                        "why",
                        null,
                        null,
                        TRANSPORTER,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @Test
    void anAcceptedQuantityMayBeZeroButNeverNegative() {
        Manifest declared = aDeclaredManifest();
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.refuse(
                        theDesignatedReceiver(),
                        metered("-1"),
                        BigDecimal.TEN,
                        "why",
                        null,
                        null,
                        TRANSPORTER,
                        null,
                        aLicenceBook(),
                        now()));
        assertUnchangedAfter(
                declared,
                ManifestRules.QuantityInvalid.class,
                () -> declared.refuse(
                        theDesignatedReceiver(),
                        metered("1.2345"),
                        BigDecimal.TEN,
                        "why",
                        null,
                        null,
                        TRANSPORTER,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.001", "1", "1.5", "1.500", "1.5000000", "99999999.999", "1E+2"})
    void quantitiesAreKeptWithThreeDecimals(String good) {
        Manifest m = aDeclaredManifest();
        m.receive(theDesignatedReceiver(), metered(good), TRANSPORTER, null, aLicenceBook(), now());
        assertEquals(3, m.currentQuantity().scale());
        assertEquals(0, new BigDecimal(good).compareTo(m.currentQuantity()));
        assertEquals(m.currentQuantity(), m.lastStep().orElseThrow().quantity());
        assertEquals(m.currentQuantity().toPlainString(), m.content().get("currentQuantity"), "signed as 3 decimals");
    }

    @Test
    void eachHandoverRecordsWhatTheNewPartyFoundAgainstThePreviousStage() {
        Manifest m = aDeclaredManifest();
        StepSigned receipt =
                m.receive(theDesignatedReceiver(), metered("11.000"), TRANSPORTER, null, aLicenceBook(), now());
        assertEquals(new BigDecimal("12.500"), receipt.previousQuantity());
        assertEquals(new BigDecimal("11.000"), receipt.observedQuantity());
        assertEquals(QuantityMethod.METERED, receipt.step().method());
        StepSigned pickup =
                m.pickUp(aLicensedTransporter(), metered("10.900"), "渝A·1", PLANT, null, aLicenceBook(), now());
        assertEquals(new BigDecimal("11.000"), pickup.previousQuantity());
        assertEquals(new BigDecimal("10.900"), pickup.observedQuantity());
        assertEquals(new BigDecimal("12.500"), m.declaredQuantity(), "the declaration is never overwritten");
    }

    @Test
    void eachStepSignsTheSha256OfTheCanonicalContentAndItChangesWithEveryStep() {
        Manifest m = drafted(aSewageBatch());
        List<String> hashes = new ArrayList<>();
        List<Runnable> lifecycle = List.of(
                () -> m.recordDraft(crewOfTheVessel()),
                () -> m.declare(crewOfTheVessel(), RECEIVER, "photo:abc", aLicenceBook(), now()),
                () -> m.receive(
                        theDesignatedReceiver(), metered("12"), FIRST_LEG_TRANSPORTER, null, aLicenceBook(), now()),
                () -> m.pickUp(
                        theFirstLegTransporter(), metered("12"), "barge 7", TRANSPORTER, null, aLicenceBook(), now()),
                () -> m.pickUp(aLicensedTransporter(), metered("12"), "渝A·1", PLANT, null, aLicenceBook(), now()),
                () -> m.dispose(aLicensedPlant(), metered("12"), "biological", null, aLicenceBook(), now()));
        for (Runnable step : lifecycle) {
            step.run();
            Step last = m.lastStep().orElseThrow();
            String expected = CanonicalJson.sha256(CanonicalJson.write(m.content()));
            assertEquals(expected, last.contentHash());
            assertTrue(expected.matches("[0-9a-f]{64}"));
            hashes.add(last.contentHash());
        }
        assertEquals(ManifestState.DISPOSED, m.state());
        assertEquals(hashes.size(), new HashSet<>(hashes).size(), "every step signs different content");
        for (int i = 0; i < hashes.size(); i++) {
            assertEquals(hashes.get(i), m.steps().get(i).contentHash(), "earlier signatures stay as they were");
        }
    }

    @Test
    void theContentCoversWhatWasSigned() {
        Manifest m = aManifestInTransfer();
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> steps =
                (List<java.util.Map<String, Object>>) m.content().get("steps");
        assertEquals(4, steps.size());
        assertEquals("PICKUP", steps.get(3).get("action"));
        assertEquals("渝A·12345", steps.get(3).get("vehicle"));
        assertEquals(PLANT.toString(), steps.get(3).get("nextPartyId"));
        assertEquals("11.900", steps.get(3).get("quantity"));
        assertEquals(TRANSPORTER.toString(), steps.get(3).get("partyId"));
        assertFalse(steps.get(3).containsKey("contentHash"), "a step cannot sign its own hash");
    }

    @Test
    void aPartialRefusalAtReceiptMovesTheAcceptedPartOnAndTheRefusedPartOntoALinkedDraft() {
        Manifest m = aDeclaredManifest();
        StepSigned refusal = m.refuse(
                theDesignatedReceiver(),
                metered("9.5"),
                new BigDecimal("3"),
                "part of it is oily water",
                null,
                null,
                TRANSPORTER,
                null,
                aLicenceBook(),
                now());
        assertEquals(ManifestState.RECEIVED, m.state());
        assertEquals(TRANSPORTER, m.nextPartyId());
        assertEquals(new BigDecimal("9.500"), m.currentQuantity());
        assertEquals(ManifestAction.REFUSE, refusal.action());
        assertEquals(new BigDecimal("9.500"), refusal.step().quantity());
        assertEquals(new BigDecimal("3.000"), refusal.step().refusedQuantity());
        assertEquals(new BigDecimal("12.500"), refusal.observedQuantity(), "accepted + refused");
        assertEquals(new BigDecimal("12.500"), refusal.previousQuantity());
        assertEquals("part of it is oily water", refusal.step().reason());
        assertTrue(m.receivedAt() != null);

        Manifest linked = Manifest.forRefusedPart(
                m,
                UUID.randomUUID(),
                "SL-2025-LINKED",
                refusal.step().refusedQuantity(),
                QuantityMethod.METERED,
                theDesignatedReceiver(),
                now());
        assertEquals(ManifestState.DRAFT, linked.state());
        assertEquals(m.id(), linked.parentId());
        assertEquals(new BigDecimal("3.000"), linked.declaredQuantity());
        assertEquals(linked.declaredQuantity(), linked.currentQuantity());
        assertEquals(m.callId(), linked.callId());
        assertEquals(m.vesselId(), linked.vesselId());
        assertEquals(m.stream(), linked.stream());
        assertEquals(m.unit(), linked.unit());
        assertNull(linked.receiverId(), "the crew declares it to another facility");
        assertEquals(
                0,
                m.currentQuantity().add(linked.declaredQuantity()).compareTo(refusal.observedQuantity()),
                "nothing created from nothing");

        linked.recordDraft(theDesignatedReceiver());
        linked.declare(crewOfTheVessel(), RECEIVER, null, aLicenceBook(), now());
        assertEquals(ManifestState.DECLARED, linked.state());
    }

    @Test
    void aPartialRefusalAtPickupMovesTheAcceptedPartIntoTransfer() {
        Manifest m = aReceivedManifest();
        m.refuse(
                aLicensedTransporter(),
                metered("10"),
                new BigDecimal("2"),
                "truck too small",
                "渝A·1",
                null,
                PLANT,
                null,
                aLicenceBook(),
                now());
        assertEquals(ManifestState.IN_TRANSFER, m.state());
        assertEquals(PLANT, m.nextPartyId());
        assertEquals(new BigDecimal("10.000"), m.currentQuantity());
        assertEquals("渝A·1", m.lastStep().orElseThrow().vehicle());
    }

    @Test
    void aPartialRefusalAtPickupNeedsTheVehicleLikeAPickup() {
        Manifest m = aReceivedManifest();
        assertUnchangedAfter(
                m,
                ManifestRules.DetailMissing.class,
                () -> m.refuse(
                        aLicensedTransporter(),
                        metered("10"),
                        new BigDecimal("2"),
                        "truck too small",
                        null,
                        null,
                        PLANT,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @Test
    void aPartialRefusalAtTheNextLegMovesTheAcceptedPartOn() {
        Manifest m = aManifestInTransferToAFurtherTransporter();
        m.refuse(
                aLicensedTransporter(),
                metered("10"),
                new BigDecimal("1.95"),
                "barge delivered more than the truck holds",
                "渝A·1",
                null,
                PLANT,
                null,
                aLicenceBook(),
                now());
        assertEquals(ManifestState.IN_TRANSFER, m.state());
        assertEquals(PLANT, m.nextPartyId());
    }

    @Test
    void aPartialRefusalAtThePlantDisposesOfTheAcceptedPart() {
        Manifest m = aManifestInTransfer();
        m.refuse(
                aLicensedPlant(),
                metered("11"),
                new BigDecimal("0.9"),
                "solids",
                null,
                "biological",
                null,
                null,
                aLicenceBook(),
                now());
        assertEquals(ManifestState.DISPOSED, m.state());
        assertNull(m.nextPartyId());
        assertTrue(m.closedAt() != null);
        assertEquals("biological", m.lastStep().orElseThrow().treatment());
    }

    @Test
    void refusingEverythingEndsTheManifestRefused() {
        Manifest m = aManifestInTransfer();
        StepSigned refusal = m.refuse(
                aLicensedPlant(),
                null,
                new BigDecimal("11.9"),
                "not sewage",
                null,
                null,
                null,
                null,
                aLicenceBook(),
                now());
        assertEquals(ManifestState.REFUSED, m.state());
        assertEquals(0, m.currentQuantity().signum());
        assertNull(m.nextPartyId());
        assertEquals(new BigDecimal("11.900"), refusal.observedQuantity());
        assertTrue(m.state().isFinal());
    }

    @Test
    void aRefusalNeedsAReasonAndARefusedQuantity() {
        Manifest m = aDeclaredManifest();
        assertUnchangedAfter(
                m,
                ManifestRules.DetailMissing.class,
                () -> m.refuse(
                        theDesignatedReceiver(),
                        metered("0"),
                        BigDecimal.ONE,
                        "",
                        null,
                        null,
                        null,
                        null,
                        aLicenceBook(),
                        now()));
        assertUnchangedAfter(
                m,
                ManifestRules.QuantityInvalid.class,
                () -> m.refuse(
                        theDesignatedReceiver(),
                        metered("12.5"),
                        BigDecimal.ZERO,
                        "nothing refused is no refusal",
                        null,
                        null,
                        TRANSPORTER,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @Test
    void aReceiverStaffMemberWhoIsNotAReceiverCannotRefuseADeclaration() {
        // a facility licensed to receive and dispose has users in both roles; receiving is the receiver's job
        Signer disposerAtTheReceiver = signer("disposer at the receiver", RECEIVER, Role.DISPOSER);
        Manifest m = aDeclaredManifest();
        assertUnchangedAfter(
                m,
                ManifestRules.WrongParty.class,
                () -> m.receive(disposerAtTheReceiver, metered("12"), TRANSPORTER, null, aLicenceBook(), now()));
        assertUnchangedAfter(
                m,
                ManifestRules.WrongParty.class,
                () -> m.refuse(
                        disposerAtTheReceiver,
                        metered("10"),
                        new BigDecimal("2.5"),
                        "too much",
                        null,
                        null,
                        TRANSPORTER,
                        null,
                        aLicenceBook(),
                        now()));
    }

    @Test
    void theReceiverLicensedToDisposeMayNameItselfAndDisposeOfTheBatch() {
        Manifest m = aManifestReceivedForDirectDisposal();
        assertEquals(RECEIVER, m.nextPartyId());
        m.dispose(theDesignatedReceiver(), metered("12"), "pumped to the municipal sewer", null, aLicenceBook(), now());
        assertEquals(ManifestState.DISPOSED, m.state());
        assertEquals(
                List.of(ManifestAction.DRAFT, ManifestAction.DECLARE, ManifestAction.RECEIVE, ManifestAction.DISPOSE),
                m.steps().stream().map(Step::action).toList());
        assertEquals(RECEIVER, m.lastStep().orElseThrow().partyId());
    }

    @Test
    void aReceiverWithoutADisposeLicenceCannotNameItself() {
        LicenceBook book = aLicenceBook().revoke(RECEIVER, Activity.DISPOSE, STREAM);
        Manifest m = aDeclaredManifest();
        var e = assertThrows(
                ManifestRules.LicenceMissing.class,
                () -> m.receive(theDesignatedReceiver(), metered("12"), RECEIVER, null, book, now()));
        assertEquals("nextPartyId", e.field());
        assertEquals(ManifestState.DECLARED, m.state());
    }

    @Test
    void aDisposeLicenceForAnotherStreamDoesNotCount() {
        LicenceBook book = aLicenceBook()
                .revoke(RECEIVER, Activity.DISPOSE, STREAM)
                .grant(RECEIVER, Activity.DISPOSE, Stream.GARBAGE);
        Manifest m = aDeclaredManifest();
        assertThrows(
                ManifestRules.LicenceMissing.class,
                () -> m.receive(theDesignatedReceiver(), metered("12"), RECEIVER, null, book, now()));
    }

    @Test
    void aReceiverThatLostItsDisposeLicenceCannotDispose() {
        Manifest m = aManifestReceivedForDirectDisposal();
        LicenceBook book = aLicenceBook().revoke(RECEIVER, Activity.DISPOSE, STREAM);
        assertUnchangedAfter(
                m,
                ManifestRules.LicenceMissing.class,
                () -> m.dispose(theDesignatedReceiver(), metered("12"), "sewer", null, book, now()));
    }

    @Test
    void onceATransporterIsNamedTheReceiverCannotDisposeDirectly() {
        Manifest m = aReceivedManifest();
        assertUnchangedAfter(
                m,
                ManifestRules.WrongParty.class,
                () -> m.dispose(theDesignatedReceiver(), metered("12"), "sewer", null, aLicenceBook(), now()));
    }

    @Test
    void aNamedTransporterThatAlsoDisposesCannotSkipTheTransfer() {
        // a transport company that also runs a plant: named to pick the batch up, it must pick it up first
        LicenceBook book = aLicenceBook().grant(TRANSPORTER, Activity.DISPOSE, STREAM);
        Manifest m = aReceivedManifest();
        for (Role role : List.of(Role.DISPOSER, Role.RECEIVER)) {
            Signer staff = signer("staff of the transport company as " + role, TRANSPORTER, role);
            assertUnchangedAfter(
                    m,
                    ManifestRules.WrongParty.class,
                    () -> m.dispose(staff, metered("12"), "incineration", null, book, now()));
        }
        m.pickUp(aLicensedTransporter(), metered("12"), "渝A·1", TRANSPORTER, null, book, now());
        m.dispose(
                signer("plant staff of the transport company", TRANSPORTER, Role.DISPOSER),
                metered("12"),
                "incineration",
                null,
                book,
                now());
        assertEquals(ManifestState.DISPOSED, m.state());
    }

    @Test
    void finalStatesNeverChangeAgain() {
        for (Supplier<Manifest> fixture : List.<Supplier<Manifest>>of(
                ManifestFixtures::aDisposedManifest,
                ManifestFixtures::aCancelledManifest,
                ManifestFixtures::aRefusedManifest)) {
            Manifest m = fixture.get();
            assertTrue(m.state().isFinal());
            assertFalse(m.markOverdue("RECEIPT", now()), "a closed manifest is never overdue");
            for (Actor actor : actors()) {
                for (Act act : Act.values()) {
                    assertUnchangedAfter(
                            m, ManifestRules.IllegalTransition.class, () -> perform(m, Situation.DISPOSED, act, actor));
                }
            }
        }
    }

    @Test
    void nobodyButTheDesignatedPartySignsAHandover() {
        Manifest m = aDeclaredManifest();
        assertNotEquals(UNLICENSED_RECEIVER, m.nextPartyId());
        var e = assertThrows(
                ManifestRules.WrongParty.class,
                () -> m.receive(anUnlicensedReceiver(), metered("12"), TRANSPORTER, null, aLicenceBook(), now()));
        assertEquals("wrong-party", e.type());
    }

    static void assertUnchangedAfter(
            Manifest m, Class<? extends RuntimeException> expected, org.junit.jupiter.api.function.Executable attempt) {
        String hash = contentHash(m);
        int steps = m.steps().size();
        ManifestState state = m.state();
        assertThrows(expected, attempt);
        assertEquals(hash, contentHash(m), "a refused attempt changes nothing");
        assertEquals(steps, m.steps().size());
        assertEquals(state, m.state());
    }
}
