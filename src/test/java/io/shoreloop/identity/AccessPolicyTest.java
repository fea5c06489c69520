package io.shoreloop.identity;

import static io.shoreloop.identity.AccessPolicy.Decision.ALLOW;
import static io.shoreloop.identity.AccessPolicy.Decision.FORBIDDEN;
import static io.shoreloop.identity.AccessPolicy.Decision.HIDDEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.identity.AccessPolicy.Decision;
import io.shoreloop.identity.AccessPolicy.ListScope;
import io.shoreloop.identity.AccessPolicy.Listing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The access policy checked exhaustively: every actor of every role, against objects of every {@link Guarded} kind
 * belonging to two parties of each kind, for every {@link Action}. The expected answers come from {@link Rules}, a
 * reference oracle written from the policy's Javadoc and the domain's "who uses it" table, not from the
 * implementation; a few hand-written sentences below pin the oracle itself.
 */
class AccessPolicyTest {

    // Two parties of each kind.
    static final UUID portA = id("port-A");
    static final UUID portB = id("port-B");
    static final UUID vesselA = id("vessel-A");
    static final UUID vesselB = id("vessel-B");
    static final UUID vesselC = id("vessel-C");
    static final UUID facilityA = id("facility-A");
    static final UUID facilityB = id("facility-B");
    static final UUID operatorPartyA = id("operator-party-A");
    static final UUID operatorPartyB = id("operator-party-B");
    static final UUID bureauPartyA = id("bureau-party-A");
    static final UUID bureauPartyB = id("bureau-party-B");
    static final UUID bureauPartyAB = id("bureau-party-AB");

    // ---------------------------------------------------------------- actors, as sentences

    static Actor anAdmin() {
        return actor("admin", Role.ADMIN, null, Set.of());
    }

    static Actor aCrewOf(UUID vessel) {
        return actor("crew of " + name(vessel), Role.CREW, vessel, Set.of());
    }

    static Actor aCrewWithoutAVessel() {
        return actor("crew without a vessel", Role.CREW, null, Set.of());
    }

    static Actor anOperatorOf(UUID port) {
        return actor(
                "operator of " + name(port),
                Role.BERTH_OPERATOR,
                port.equals(portA) ? operatorPartyA : operatorPartyB,
                Set.of(port));
    }

    static Actor anOperatorWithoutPorts() {
        return actor("operator without ports", Role.BERTH_OPERATOR, id("operator-party-none"), Set.of());
    }

    static Actor aBureauCovering(UUID... ports) {
        Set<UUID> jurisdiction = Set.of(ports);
        UUID party =
                jurisdiction.size() > 1 ? bureauPartyAB : jurisdiction.contains(portA) ? bureauPartyA : bureauPartyB;
        return actor("bureau covering " + names(jurisdiction), Role.BUREAU, party, jurisdiction);
    }

    static Actor aReceiverAt(UUID facility) {
        return actor("receiver at " + name(facility), Role.RECEIVER, facility, Set.of());
    }

    static Actor aTransporterFor(UUID company) {
        return actor("transporter for " + name(company), Role.TRANSPORTER, company, Set.of());
    }

    static Actor aDisposerAt(UUID plant) {
        return actor("disposer at " + name(plant), Role.DISPOSER, plant, Set.of());
    }

    /**
     * A facility party that also (wrongly) carries ports must still see nothing scoped: ports only mean something for
     * port parties.
     */
    static Actor aReceiverAtWithPorts(UUID facility, UUID port) {
        return actor(
                "receiver at " + name(facility) + " carrying " + name(port), Role.RECEIVER, facility, Set.of(port));
    }

    static List<Actor> everyActor() {
        return List.of(
                anAdmin(),
                aCrewOf(vesselA),
                aCrewOf(vesselB),
                aCrewWithoutAVessel(),
                anOperatorOf(portA),
                anOperatorOf(portB),
                anOperatorWithoutPorts(),
                aBureauCovering(portA),
                aBureauCovering(portB),
                aBureauCovering(portA, portB),
                aReceiverAt(facilityA),
                aReceiverAt(facilityB),
                aReceiverAtWithPorts(facilityA, portA),
                aTransporterFor(facilityA),
                aTransporterFor(facilityB),
                aDisposerAt(facilityA),
                aDisposerAt(facilityB));
    }

    // ---------------------------------------------------------------- objects, as sentences

    static Guarded.PortRef thePort(UUID port) {
        return new Guarded.PortRef(port);
    }

    static Guarded.BerthRef aBerthAt(UUID port) {
        return new Guarded.BerthRef(port);
    }

    static Guarded.FacilityRef theFacility(UUID facility) {
        return new Guarded.FacilityRef(facility);
    }

    static Guarded.VesselRef theVessel(UUID vessel, UUID... relatedPorts) {
        return new Guarded.VesselRef(vessel, Set.of(relatedPorts));
    }

    static Guarded.MeterRef aMeterAt(UUID port) {
        return new Guarded.MeterRef(port);
    }

    static Guarded.CallRef aCallOf(UUID vessel, UUID port) {
        return new Guarded.CallRef(vessel, port);
    }

    static Guarded.PartyRef theParty(UUID party) {
        return new Guarded.PartyRef(party);
    }

    static Guarded.UserRef theUser(UUID user) {
        return new Guarded.UserRef(user);
    }

    static List<Guarded> everyObject() {
        return List.of(
                thePort(portA),
                thePort(portB),
                aBerthAt(portA),
                aBerthAt(portB),
                theFacility(facilityA),
                theFacility(facilityB),
                theVessel(vesselA, portA),
                theVessel(vesselB, portA, portB),
                theVessel(vesselC),
                aMeterAt(portA),
                aMeterAt(portB),
                aCallOf(vesselA, portA),
                aCallOf(vesselA, portB),
                aCallOf(vesselB, portA),
                aCallOf(vesselB, portB),
                theParty(UUID.randomUUID()),
                theParty(UUID.randomUUID()),
                theUser(UUID.randomUUID()));
    }

    // ---------------------------------------------------------------- the reference oracle

    /**
     * The rules as stated, independent of the implementation:
     *
     * <ul>
     *   <li>ports, berths, facilities and parties (port operators, bureaus) are directory data, readable by every
     *       role; user accounts are seen by administrators only;
     *   <li>vessels, meters and calls are scoped: admin sees all; a crew its own vessel and its calls (no meters); a
     *       berth operator or bureau what relates to its ports (a vessel related to one of them, a meter or call at
     *       one of them); facility roles none of them;
     *   <li>admin may create, update and deactivate anything; a claim of exemption only exists for calls;
     *   <li>a berth operator creates, updates and deactivates berths, meters and calls at ports it operates, updates
     *       (only) its own port, and claims exemptions for calls at its ports;
     *   <li>a crew claims exemptions for calls of its own vessel, and changes no vessel (its type, facility and tanks
     *       decide its own verdicts);
     *   <li>bureaus and facility roles change nothing;
     *   <li>a refused READ, or a refused change of an object the actor cannot read, is HIDDEN; any other refused
     *       change, and every refused CREATE, is FORBIDDEN.
     * </ul>
     */
    static final class Rules {

        static Decision expected(Actor actor, Action action, Guarded object) {
            boolean visible = sees(actor, object);
            if (action == Action.READ) {
                return visible ? ALLOW : HIDDEN;
            }
            if (mayChange(actor, action, object)) {
                return ALLOW;
            }
            if (action == Action.CREATE) {
                return FORBIDDEN;
            }
            return visible ? FORBIDDEN : HIDDEN;
        }

        static boolean isDirectory(Guarded object) {
            return object instanceof Guarded.PortRef
                    || object instanceof Guarded.BerthRef
                    || object instanceof Guarded.FacilityRef
                    || object instanceof Guarded.PartyRef;
        }

        static boolean sees(Actor actor, Guarded object) {
            if (isDirectory(object)) {
                return true;
            }
            return switch (actor.role()) {
                case ADMIN -> true;
                case CREW -> actor.partyId() != null && actor.partyId().equals(vesselOf(object));
                case BERTH_OPERATOR, BUREAU -> !Collections.disjoint(actor.portIds(), portsOf(object));
                case RECEIVER, TRANSPORTER, DISPOSER -> false;
            };
        }

        static boolean mayChange(Actor actor, Action action, Guarded object) {
            Set<Action> masterDataChanges = EnumSet.of(Action.CREATE, Action.UPDATE, Action.DEACTIVATE);
            boolean isCall = object instanceof Guarded.CallRef;
            return switch (actor.role()) {
                case ADMIN -> masterDataChanges.contains(action) || (action == Action.CLAIM_EXEMPTION && isCall);
                case BERTH_OPERATOR -> {
                    boolean atOwnPort = !Collections.disjoint(actor.portIds(), portsOf(object));
                    if (object instanceof Guarded.PortRef) {
                        yield action == Action.UPDATE && atOwnPort;
                    }
                    if (object instanceof Guarded.BerthRef || object instanceof Guarded.MeterRef) {
                        yield masterDataChanges.contains(action) && atOwnPort;
                    }
                    if (isCall) {
                        yield (masterDataChanges.contains(action) || action == Action.CLAIM_EXEMPTION) && atOwnPort;
                    }
                    yield false; // facilities and vessels
                }
                case CREW -> {
                    // its vessel's master data decides its own verdicts: read only
                    boolean own = actor.partyId() != null && actor.partyId().equals(vesselOf(object));
                    yield isCall && action == Action.CLAIM_EXEMPTION && own;
                }
                case BUREAU, RECEIVER, TRANSPORTER, DISPOSER -> false;
            };
        }

        /** The vessel an object belongs to, if any. */
        static UUID vesselOf(Guarded object) {
            if (object instanceof Guarded.VesselRef v) {
                return v.vesselId();
            }
            if (object instanceof Guarded.CallRef c) {
                return c.vesselId();
            }
            if (object instanceof Guarded.ManifestRef m) {
                return m.vesselId();
            }
            return null;
        }

        /** The ports an object is at or related to. */
        static Set<UUID> portsOf(Guarded object) {
            if (object instanceof Guarded.PortRef p) {
                return nullable(p.portId());
            }
            if (object instanceof Guarded.BerthRef b) {
                return nullable(b.portId());
            }
            if (object instanceof Guarded.MeterRef m) {
                return nullable(m.portId());
            }
            if (object instanceof Guarded.CallRef c) {
                return nullable(c.portId());
            }
            if (object instanceof Guarded.VesselRef v) {
                return v.relatedPortIds();
            }
            if (object instanceof Guarded.ManifestRef m) {
                return nullable(m.portId());
            }
            return Set.of();
        }

        /** The list scope each role should get. */
        static ListScope expectedScope(Actor actor, Listing listing) {
            return switch (actor.role()) {
                case ADMIN -> new ListScope(true, null, Set.of());
                case BERTH_OPERATOR, BUREAU ->
                    listing == Listing.USERS
                            ? new ListScope(false, null, Set.of())
                            : new ListScope(false, null, actor.portIds());
                case CREW ->
                    listing == Listing.METERS || listing == Listing.USERS || actor.partyId() == null
                            ? new ListScope(false, null, Set.of())
                            : new ListScope(false, actor.partyId(), Set.of());
                case RECEIVER, TRANSPORTER, DISPOSER ->
                    listing == Listing.MANIFESTS && actor.partyId() != null
                            ? new ListScope(false, null, Set.of(), actor.partyId())
                            : new ListScope(false, null, Set.of());
            };
        }

        /** Whether a row of a scoped list falls inside a scope (what the list queries do with it). */
        static boolean inScope(ListScope scope, Guarded row) {
            if (scope.all()) {
                return true;
            }
            if (scope.vesselId() != null && scope.vesselId().equals(vesselOf(row))) {
                return true;
            }
            if (scope.involvedParty() != null
                    && row instanceof Guarded.ManifestRef m
                    && m.involvedParties().contains(scope.involvedParty())) {
                return true;
            }
            return !Collections.disjoint(scope.portIds(), portsOf(row));
        }

        private static Set<UUID> nullable(UUID id) {
            return id == null ? Set.of() : Set.of(id);
        }
    }

    // ---------------------------------------------------------------- the exhaustive table

    @Test
    void everyActorActionAndObjectIsDecidedAsTheRulesSay() {
        List<String> mismatches = new ArrayList<>();
        Map<Action, Set<Decision>> decisionsSeen = new EnumMap<>(Action.class);
        Set<Role> rolesSeen = EnumSet.noneOf(Role.class);
        Set<Class<?>> kindsSeen = new HashSet<>();
        int checked = 0;
        for (Actor actor : everyActor()) {
            for (Guarded object : everyObject()) {
                for (Action action : Action.values()) {
                    Decision expected = Rules.expected(actor, action, object);
                    Decision actual = AccessPolicy.decide(actor, action, object);
                    if (expected != actual) {
                        mismatches.add(actor.name() + " " + action + " " + describe(object) + ": expected " + expected
                                + " but the policy says " + actual);
                    }
                    assertEquals(
                            actual == ALLOW,
                            AccessPolicy.permits(actor, action, object),
                            "permits() agrees with decide()");
                    decisionsSeen
                            .computeIfAbsent(action, a -> EnumSet.noneOf(Decision.class))
                            .add(actual);
                    rolesSeen.add(actor.role());
                    kindsSeen.add(object.getClass());
                    checked++;
                }
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));

        // the table really covers what it claims to cover
        assertEquals(17 * 18 * 5, checked, "actors × objects × actions");
        assertEquals(EnumSet.allOf(Role.class), rolesSeen, "every role");
        Set<Class<?>> masterData = new HashSet<>(Set.of(Guarded.class.getPermittedSubclasses()));
        masterData.remove(Guarded.ManifestRef.class); // manifests have their own table below
        assertEquals(masterData, kindsSeen, "every kind of guarded master-data object");
        assertEquals(EnumSet.of(ALLOW, HIDDEN), decisionsSeen.get(Action.READ), "READ is allowed or hidden");
        assertEquals(EnumSet.of(ALLOW, FORBIDDEN), decisionsSeen.get(Action.CREATE), "CREATE is never hidden");
        for (Action change : List.of(Action.UPDATE, Action.DEACTIVATE, Action.CLAIM_EXEMPTION)) {
            assertEquals(EnumSet.allOf(Decision.class), decisionsSeen.get(change), change + " meets every answer");
        }
    }

    @Test
    void theTableHasTheExpectedShape() {
        // How many combinations the oracle allows, per role: pins the oracle against accidental generosity.
        Map<Role, Integer> allowed = new EnumMap<>(Role.class);
        for (Actor actor : everyActor()) {
            for (Guarded object : everyObject()) {
                for (Action action : Action.values()) {
                    if (Rules.expected(actor, action, object) == ALLOW) {
                        allowed.merge(actor.role(), 1, Integer::sum);
                    }
                }
            }
        }
        // admin: reads 18, creates/updates/deactivates 18 each, claims exemption on the 4 calls
        assertEquals(18 * 4 + 4, allowed.get(Role.ADMIN));
        // crews of A and B: 8 directory reads each (ports, berths, facilities, parties), own vessel read (no update:
        // its master data decides its own verdicts), 2 own calls read + claim; the crew without a vessel reads the 8
        // directory objects only; nobody but the admin reads or changes the user account
        assertEquals(2 * (8 + 1 + 4) + 8, allowed.get(Role.CREW));
        // facility roles: 8 directory reads per actor (7 actors)
        int facilityActors = 7;
        assertEquals(
                facilityActors * 8,
                allowed.getOrDefault(Role.RECEIVER, 0)
                        + allowed.getOrDefault(Role.TRANSPORTER, 0)
                        + allowed.getOrDefault(Role.DISPOSER, 0));
        // operator of A: reads 8 + vessels A,B + meter A + calls at A (2) = 13; updates port A;
        // berth A and meter A × 3 changes = 6; calls at A × (3 changes + claim) = 8 → 28; same for B (vessel B only,
        // so 12 reads → 27); operator without ports: 8 reads
        assertEquals(28 + 27 + 8, allowed.get(Role.BERTH_OPERATOR));
        // bureaus only read: A → 8 + 2 vessels + 1 meter + 2 calls = 13; B → 8 + 1 + 1 + 2 = 12; A+B → 8 + 2 + 2 + 4
        assertEquals(13 + 12 + 16, allowed.get(Role.BUREAU));
    }

    // ---------------------------------------------------------------- sentences that pin the oracle

    // reading: who sees what
    @Test
    void directoryDataIsReadableByEveryone() {
        for (Actor actor : everyActor()) {
            for (Guarded directory :
                    List.of(thePort(portB), aBerthAt(portB), theFacility(facilityB), theParty(UUID.randomUUID()))) {
                assertEquals(ALLOW, AccessPolicy.decide(actor, Action.READ, directory), actor.name());
            }
        }
    }

    @Test
    void aCrewSeesItsOwnVesselAndItsCallsButNoOtherVesselNorAnyMeter() {
        Actor crew = aCrewOf(vesselA);
        assertEquals(ALLOW, AccessPolicy.decide(crew, Action.READ, theVessel(vesselA)));
        assertEquals(ALLOW, AccessPolicy.decide(crew, Action.READ, aCallOf(vesselA, portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(crew, Action.READ, theVessel(vesselB, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(crew, Action.READ, aCallOf(vesselB, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(crew, Action.READ, aMeterAt(portA)));
    }

    @Test
    void anOperatorSeesWhatRelatesToItsPorts() {
        Actor operator = anOperatorOf(portA);
        assertEquals(ALLOW, AccessPolicy.decide(operator, Action.READ, theVessel(vesselB, portB, portA)));
        assertEquals(ALLOW, AccessPolicy.decide(operator, Action.READ, aMeterAt(portA)));
        assertEquals(ALLOW, AccessPolicy.decide(operator, Action.READ, aCallOf(vesselB, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.READ, theVessel(vesselB, portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.READ, theVessel(vesselC)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.READ, aMeterAt(portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.READ, aCallOf(vesselA, portB)));
    }

    @Test
    void aBureauReadsInsideItsJurisdictionOnly() {
        Actor bureau = aBureauCovering(portB);
        assertEquals(ALLOW, AccessPolicy.decide(bureau, Action.READ, aCallOf(vesselA, portB)));
        assertEquals(ALLOW, AccessPolicy.decide(bureau, Action.READ, aMeterAt(portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(bureau, Action.READ, aCallOf(vesselA, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(bureau, Action.READ, theVessel(vesselA, portA)));
    }

    @Test
    void facilityRolesSeeNoVesselCallOrMeter() {
        for (Actor actor : List.of(
                aReceiverAt(facilityA),
                aTransporterFor(facilityA),
                aDisposerAt(facilityA),
                aReceiverAtWithPorts(facilityA, portA))) {
            assertEquals(HIDDEN, AccessPolicy.decide(actor, Action.READ, theVessel(vesselA, portA)), actor.name());
            assertEquals(HIDDEN, AccessPolicy.decide(actor, Action.READ, aCallOf(vesselA, portA)), actor.name());
            assertEquals(HIDDEN, AccessPolicy.decide(actor, Action.READ, aMeterAt(portA)), actor.name());
        }
    }

    // changing: who changes what
    @Test
    void anAdminMayChangeAnythingAndClaimExemptionsForCalls() {
        Actor admin = anAdmin();
        for (Guarded object : everyObject()) {
            for (Action change : List.of(Action.CREATE, Action.UPDATE, Action.DEACTIVATE)) {
                assertEquals(ALLOW, AccessPolicy.decide(admin, change, object), change + " " + describe(object));
            }
        }
        assertEquals(ALLOW, AccessPolicy.decide(admin, Action.CLAIM_EXEMPTION, aCallOf(vesselB, portB)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(admin, Action.CLAIM_EXEMPTION, thePort(portA)));
    }

    @Test
    void anOperatorRunsBerthsMetersAndCallsAtItsOwnPorts() {
        Actor operator = anOperatorOf(portA);
        for (Guarded object : List.of(aBerthAt(portA), aMeterAt(portA), aCallOf(vesselB, portA))) {
            for (Action change : List.of(Action.CREATE, Action.UPDATE, Action.DEACTIVATE)) {
                assertEquals(ALLOW, AccessPolicy.decide(operator, change, object), change + " " + describe(object));
            }
        }
        assertEquals(ALLOW, AccessPolicy.decide(operator, Action.CLAIM_EXEMPTION, aCallOf(vesselB, portA)));
        // elsewhere: creating is forbidden, changing a visible berth is forbidden, an invisible meter is hidden
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.CREATE, aBerthAt(portB)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.CREATE, aMeterAt(portB)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.UPDATE, aBerthAt(portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.UPDATE, aMeterAt(portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.CLAIM_EXEMPTION, aCallOf(vesselA, portB)));
    }

    @Test
    void anOperatorMayUpdateButNotCreateOrDeactivateItsOwnPort() {
        Actor operator = anOperatorOf(portA);
        assertEquals(ALLOW, AccessPolicy.decide(operator, Action.UPDATE, thePort(portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.DEACTIVATE, thePort(portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.CREATE, thePort(portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.UPDATE, thePort(portB)));
    }

    @Test
    void anOperatorChangesNoVesselNorFacility() {
        Actor operator = anOperatorOf(portA);
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.UPDATE, theVessel(vesselA, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(operator, Action.UPDATE, theVessel(vesselC)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.CREATE, theVessel(vesselC)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(operator, Action.UPDATE, theFacility(facilityA)));
    }

    @Test
    void aCrewChangesNoVesselAndClaimsExemptionsOnlyForItsOwnCalls() {
        Actor crew = aCrewOf(vesselA);
        // its type, shore-power facility and tanks decide its own verdicts
        assertEquals(FORBIDDEN, AccessPolicy.decide(crew, Action.UPDATE, theVessel(vesselA, portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(crew, Action.DEACTIVATE, theVessel(vesselA, portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(crew, Action.CREATE, theVessel(vesselA, portA)));
        assertEquals(HIDDEN, AccessPolicy.decide(crew, Action.UPDATE, theVessel(vesselB, portA)));
        assertEquals(ALLOW, AccessPolicy.decide(crew, Action.CLAIM_EXEMPTION, aCallOf(vesselA, portB)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(crew, Action.UPDATE, aCallOf(vesselA, portB)));
        assertEquals(HIDDEN, AccessPolicy.decide(crew, Action.CLAIM_EXEMPTION, aCallOf(vesselB, portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(crew, Action.CREATE, aCallOf(vesselA, portA)));
    }

    @Test
    void aBureauChangesNothingEvenInsideItsJurisdiction() {
        Actor bureau = aBureauCovering(portA, portB);
        for (Guarded object : everyObject()) {
            for (Action change : List.of(Action.CREATE, Action.UPDATE, Action.DEACTIVATE, Action.CLAIM_EXEMPTION)) {
                assertNotEquals(ALLOW, AccessPolicy.decide(bureau, change, object), change + " " + describe(object));
            }
        }
        assertEquals(FORBIDDEN, AccessPolicy.decide(bureau, Action.UPDATE, aMeterAt(portB)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(bureau, Action.CLAIM_EXEMPTION, aCallOf(vesselA, portA)));
        assertEquals(FORBIDDEN, AccessPolicy.decide(bureau, Action.DEACTIVATE, theVessel(vesselB, portB)));
        // a vessel related to none of its ports stays invisible, even when refusing a change
        assertEquals(HIDDEN, AccessPolicy.decide(bureau, Action.UPDATE, theVessel(vesselC)));
    }

    @Test
    void facilityRolesChangeNoMasterData() {
        for (Actor actor : List.of(aReceiverAt(facilityA), aTransporterFor(facilityA), aDisposerAt(facilityA))) {
            assertEquals(FORBIDDEN, AccessPolicy.decide(actor, Action.UPDATE, theFacility(facilityA)));
            assertEquals(FORBIDDEN, AccessPolicy.decide(actor, Action.DEACTIVATE, theFacility(facilityA)));
            assertEquals(FORBIDDEN, AccessPolicy.decide(actor, Action.CREATE, theFacility(facilityA)));
            assertEquals(HIDDEN, AccessPolicy.decide(actor, Action.UPDATE, aMeterAt(portA)));
        }
    }

    // ---------------------------------------------------------------- list scopes

    // users and parties: the administrator's business
    @Test
    void userAccountsAreSeenAndKeptByAdministratorsAlone() {
        Guarded.UserRef user = theUser(UUID.randomUUID());
        for (Actor actor : everyActor()) {
            boolean admin = actor.is(Role.ADMIN);
            assertEquals(admin ? ALLOW : HIDDEN, AccessPolicy.decide(actor, Action.READ, user), actor.name());
            assertEquals(admin ? ALLOW : HIDDEN, AccessPolicy.decide(actor, Action.UPDATE, user), actor.name());
            assertEquals(admin ? ALLOW : HIDDEN, AccessPolicy.decide(actor, Action.DEACTIVATE, user), actor.name());
            assertEquals(admin ? ALLOW : FORBIDDEN, AccessPolicy.decide(actor, Action.CREATE, user), actor.name());
            assertEquals(admin, !AccessPolicy.scope(actor, Listing.USERS).isNone(), actor.name());
        }
    }

    @Test
    void portOperatorsAndBureausAreReadByAllAndChangedByAdministratorsAlone() {
        Guarded.PartyRef party = theParty(UUID.randomUUID());
        for (Actor actor : everyActor()) {
            boolean admin = actor.is(Role.ADMIN);
            for (Action change : List.of(Action.CREATE, Action.UPDATE, Action.DEACTIVATE)) {
                assertEquals(admin ? ALLOW : FORBIDDEN, AccessPolicy.decide(actor, change, party), actor.name());
            }
        }
    }

    @Test
    void everyActorGetsTheListScopeItsRoleDeserves() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Actor actor : everyActor()) {
            for (Listing listing : Listing.values()) {
                ListScope expected = Rules.expectedScope(actor, listing);
                ListScope actual = AccessPolicy.scope(actor, listing);
                if (!expected.equals(actual)) {
                    mismatches.add(actor.name() + " " + listing + ": expected " + expected + " but got " + actual);
                }
                checked++;
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        assertEquals(17 * Listing.values().length, checked);
    }

    @Test
    void aListShowsExactlyTheRowsThatMayBeReadOneByOne() {
        Map<Listing, List<Guarded>> rows = new LinkedHashMap<>();
        rows.put(Listing.VESSELS, kind(Guarded.VesselRef.class));
        rows.put(Listing.CALLS, kind(Guarded.CallRef.class));
        rows.put(Listing.METERS, kind(Guarded.MeterRef.class));
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Actor actor : everyActor()) {
            for (Map.Entry<Listing, List<Guarded>> listing : rows.entrySet()) {
                ListScope scope = AccessPolicy.scope(actor, listing.getKey());
                for (Guarded row : listing.getValue()) {
                    boolean listed = Rules.inScope(scope, row);
                    boolean readable = AccessPolicy.decide(actor, Action.READ, row) == ALLOW;
                    if (listed != readable) {
                        mismatches.add(actor.name() + " " + listing.getKey() + " " + describe(row) + ": listed="
                                + listed + " readable=" + readable);
                    }
                    checked++;
                }
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        assertEquals(17 * (3 + 4 + 2), checked);
    }

    @Test
    void scopesReadLikeTheirRoles() {
        assertTrue(AccessPolicy.scope(anAdmin(), Listing.METERS).all());
        assertEquals(
                vesselA, AccessPolicy.scope(aCrewOf(vesselA), Listing.CALLS).vesselId());
        assertEquals(
                vesselA, AccessPolicy.scope(aCrewOf(vesselA), Listing.VESSELS).vesselId());
        assertTrue(AccessPolicy.scope(aCrewOf(vesselA), Listing.METERS).isNone());
        assertTrue(AccessPolicy.scope(aCrewWithoutAVessel(), Listing.VESSELS).isNone());
        assertEquals(
                Set.of(portA),
                AccessPolicy.scope(anOperatorOf(portA), Listing.METERS).portIds());
        assertEquals(
                Set.of(portA, portB),
                AccessPolicy.scope(aBureauCovering(portA, portB), Listing.VESSELS)
                        .portIds());
        assertTrue(AccessPolicy.scope(anOperatorWithoutPorts(), Listing.CALLS).isNone());
        assertEquals(
                facilityA,
                AccessPolicy.scope(aReceiverAt(facilityA), Listing.MANIFESTS).involvedParty());
        for (Listing listing : List.of(Listing.VESSELS, Listing.CALLS, Listing.METERS)) {
            assertTrue(AccessPolicy.scope(aReceiverAt(facilityA), listing).isNone());
            assertTrue(AccessPolicy.scope(aTransporterFor(facilityA), listing).isNone());
            assertTrue(AccessPolicy.scope(aDisposerAt(facilityA), listing).isNone());
            assertTrue(AccessPolicy.scope(aReceiverAtWithPorts(facilityA, portA), listing)
                    .isNone());
        }
    }

    // ---------------------------------------------------------------- manifests

    static Guarded.ManifestRef aManifestOf(UUID vessel, UUID port, UUID... involved) {
        return new Guarded.ManifestRef(vessel, port, Set.of(involved));
    }

    /**
     * Manifests are read by admins, their vessel's crew, the facilities involved in them (receiver, signers, the
     * designated next party) and the berth operators and bureaus of their port; nobody changes them through the
     * policy (steps are signed through the manifest's own rules), so every change is FORBIDDEN when visible and
     * HIDDEN otherwise, and CREATE is FORBIDDEN.
     */
    @Test
    void manifestsAreSeenByTheirVesselTheirFacilitiesAndTheirPortsParties() {
        List<Guarded.ManifestRef> manifests = List.of(
                aManifestOf(vesselA, portA, facilityA),
                aManifestOf(vesselB, portB, facilityB),
                aManifestOf(vesselA, portB),
                aManifestOf(vesselB, portA, facilityA, facilityB));
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Actor actor : everyActor()) {
            for (Guarded.ManifestRef m : manifests) {
                boolean sees = switch (actor.role()) {
                    case ADMIN -> true;
                    case CREW -> m.vesselId().equals(actor.partyId());
                    case RECEIVER, TRANSPORTER, DISPOSER -> m.involvedParties().contains(actor.partyId());
                    case BERTH_OPERATOR, BUREAU -> actor.portIds().contains(m.portId());
                };
                for (Action action : Action.values()) {
                    Decision expected = action == Action.READ
                            ? (sees ? ALLOW : HIDDEN)
                            : action == Action.CREATE || sees ? FORBIDDEN : HIDDEN;
                    if (actor.role() == Role.ADMIN && action != Action.READ && action != Action.CLAIM_EXEMPTION) {
                        expected = ALLOW; // administrators may do anything the policy is asked about
                    }
                    Decision actual = AccessPolicy.decide(actor, action, m);
                    if (expected != actual) {
                        mismatches.add(
                                actor.name() + " " + action + " " + m + ": expected " + expected + " got " + actual);
                    }
                    checked++;
                }
                ListScope scope = AccessPolicy.scope(actor, Listing.MANIFESTS);
                if (Rules.inScope(scope, m) != sees) {
                    mismatches.add(actor.name() + " lists " + m + ": " + Rules.inScope(scope, m) + " but sees " + sees);
                }
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        assertEquals(17 * 4 * 5, checked);
    }

    // ---------------------------------------------------------------- helpers

    private static List<Guarded> kind(Class<? extends Guarded> kind) {
        return everyObject().stream().filter(kind::isInstance).toList();
    }

    private static Actor actor(String name, Role role, UUID party, Set<UUID> ports) {
        return new Actor(id("user " + name), name.replace(' ', '-'), name, role, party, ports);
    }

    private static UUID id(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static final Map<UUID, String> NAMES = Arrays.stream(new Object[][] {
                {portA, "port A"},
                {portB, "port B"},
                {vesselA, "vessel A"},
                {vesselB, "vessel B"},
                {vesselC, "vessel C"},
                {facilityA, "facility A"},
                {facilityB, "facility B"}
            })
            .collect(Collectors.toMap(e -> (UUID) e[0], e -> (String) e[1]));

    private static String name(UUID id) {
        return NAMES.getOrDefault(id, id.toString());
    }

    private static String describe(Guarded object) {
        if (object instanceof Guarded.PortRef p) {
            return name(p.portId());
        }
        if (object instanceof Guarded.BerthRef b) {
            return "a berth at " + name(b.portId());
        }
        if (object instanceof Guarded.FacilityRef f) {
            return name(f.facilityId());
        }
        if (object instanceof Guarded.VesselRef v) {
            return name(v.vesselId()) + " related to [" + names(v.relatedPortIds()) + "]";
        }
        if (object instanceof Guarded.MeterRef m) {
            return "a meter at " + name(m.portId());
        }
        if (object instanceof Guarded.CallRef c) {
            return "a call of " + name(c.vesselId()) + " at " + name(c.portId());
        }
        return String.valueOf(object);
    }

    private static String names(Set<UUID> ids) {
        return ids.stream().map(AccessPolicyTest::name).sorted().collect(Collectors.joining(" and "));
    }
}
