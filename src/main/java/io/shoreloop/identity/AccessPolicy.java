package io.shoreloop.identity;

import java.util.Collections;
import java.util.Set;
import java.util.UUID;

/**
 * The one authorisation policy: may this actor do this action on this object? Plain Java, no CDI, no database.
 *
 * <p>Directory data (ports, berths, facilities and their licences, port operators, bureaus and their jurisdictions)
 * is readable by every signed-in user, because crews must choose where to hand over and operators must know their
 * counterparts; only administrators change facilities, port operators and bureaus. User accounts are seen and kept by
 * administrators only. Vessels, calls and meters are scoped: a crew sees its own vessel, a berth operator the ports it
 * runs, a bureau its jurisdiction. An object the actor may not read is answered as absent ({@link Decision#HIDDEN} →
 * 404); a visible object the actor may not change is {@link Decision#FORBIDDEN} (403).
 */
public final class AccessPolicy {

    /** The policy's answer. */
    public enum Decision {
        ALLOW,
        FORBIDDEN,
        HIDDEN
    }

    /**
     * Which rows of a list an actor may see: everything, or rows related to one vessel or to a set of ports.
     * {@link #none()} sees nothing.
     */
    public record ListScope(boolean all, UUID vesselId, Set<UUID> portIds, UUID involvedParty) {
        public ListScope {
            portIds = portIds == null ? Set.of() : Set.copyOf(portIds);
        }

        public ListScope(boolean all, UUID vesselId, Set<UUID> portIds) {
            this(all, vesselId, portIds, null);
        }

        public static ListScope everything() {
            return new ListScope(true, null, Set.of());
        }

        public static ListScope none() {
            return new ListScope(false, null, Set.of());
        }

        public boolean isNone() {
            return !all && vesselId == null && portIds.isEmpty() && involvedParty == null;
        }
    }

    /** Kinds of scoped list. */
    public enum Listing {
        VESSELS,
        CALLS,
        METERS,
        /** Shore-power sessions: port parties by port, a crew those matched to its vessel's calls. */
        SESSIONS,
        MANIFESTS,
        /** User accounts: administrators only. */
        USERS
    }

    private AccessPolicy() {}

    public static Decision decide(Actor actor, Action action, Guarded object) {
        boolean readable = mayRead(actor, object);
        if (action == Action.READ) {
            return readable ? Decision.ALLOW : Decision.HIDDEN;
        }
        if (mayChange(actor, action, object)) {
            return Decision.ALLOW;
        }
        // a refused creation reveals nothing that exists; a refused change of an invisible object must not leak it
        return readable || action == Action.CREATE ? Decision.FORBIDDEN : Decision.HIDDEN;
    }

    public static boolean permits(Actor actor, Action action, Guarded object) {
        return decide(actor, action, object) == Decision.ALLOW;
    }

    static boolean mayRead(Actor a, Guarded object) {
        if (a.is(Role.ADMIN)) {
            return true;
        }
        if (object instanceof Guarded.PortRef
                || object instanceof Guarded.BerthRef
                || object instanceof Guarded.FacilityRef
                || object instanceof Guarded.PartyRef) {
            return true;
        }
        if (object instanceof Guarded.MeterRef m) {
            return coversAsPortParty(a, m.portId());
        }
        if (object instanceof Guarded.VesselRef v) {
            return (a.is(Role.CREW) && a.actsFor(v.vesselId()))
                    || (isPortParty(a) && !Collections.disjoint(a.portIds(), v.relatedPortIds()));
        }
        if (object instanceof Guarded.CallRef c) {
            return (a.is(Role.CREW) && a.actsFor(c.vesselId())) || coversAsPortParty(a, c.portId());
        }
        if (object instanceof Guarded.ManifestRef m) {
            return (a.is(Role.CREW) && a.actsFor(m.vesselId()))
                    || (isFacilityRole(a)
                            && a.partyId() != null
                            && m.involvedParties().contains(a.partyId()))
                    || coversAsPortParty(a, m.portId());
        }
        return false;
    }

    private static boolean isFacilityRole(Actor a) {
        return a.is(Role.RECEIVER) || a.is(Role.TRANSPORTER) || a.is(Role.DISPOSER);
    }

    static boolean mayChange(Actor a, Action action, Guarded object) {
        if (action == Action.CLAIM_EXEMPTION) {
            return object instanceof Guarded.CallRef c
                    && (a.is(Role.ADMIN) || operates(a, c.portId()) || (a.is(Role.CREW) && a.actsFor(c.vesselId())));
        }
        if (a.is(Role.ADMIN)) {
            return true;
        }
        if (object instanceof Guarded.PortRef p) {
            return action == Action.UPDATE && operates(a, p.portId());
        }
        if (object instanceof Guarded.BerthRef b) {
            return operates(a, b.portId());
        }
        if (object instanceof Guarded.MeterRef m) {
            return operates(a, m.portId());
        }
        if (object instanceof Guarded.VesselRef) {
            // a vessel's type, shore-power facility and tanks decide its own verdicts (a crew that could make its
            // ship a tanker, or take its facility off, would exempt its own calls): master data, the administrator's
            return false;
        }
        if (object instanceof Guarded.CallRef c) {
            return operates(a, c.portId());
        }
        // manifest steps are signed through the manifest's own rules (wrong-party), never through this method
        return false;
    }

    /** The rows of a scoped list this actor may see. */
    public static ListScope scope(Actor a, Listing listing) {
        if (a.is(Role.ADMIN)) {
            return ListScope.everything();
        }
        if (listing == Listing.USERS) {
            return ListScope.none();
        }
        if (isPortParty(a)) {
            return new ListScope(false, null, a.portIds());
        }
        if (a.is(Role.CREW) && listing != Listing.METERS && a.partyId() != null) {
            return new ListScope(false, a.partyId(), Set.of());
        }
        if (listing == Listing.MANIFESTS && isFacilityRole(a) && a.partyId() != null) {
            return new ListScope(false, null, Set.of(), a.partyId());
        }
        return ListScope.none();
    }

    private static boolean isPortParty(Actor a) {
        return a.is(Role.BERTH_OPERATOR) || a.is(Role.BUREAU);
    }

    private static boolean coversAsPortParty(Actor a, UUID portId) {
        return isPortParty(a) && a.covers(portId);
    }

    private static boolean operates(Actor a, UUID portId) {
        return a.is(Role.BERTH_OPERATOR) && a.covers(portId);
    }
}
