package io.shoreloop.identity;

import java.util.Set;
import java.util.UUID;

/** What the access policy needs to know about an object to decide who may touch it. */
public sealed interface Guarded {

    /** A port (directory data). */
    record PortRef(UUID portId) implements Guarded {}

    /** A berth in a port (directory data). */
    record BerthRef(UUID portId) implements Guarded {}

    /** A reception facility, transport company or disposal plant (directory data). */
    record FacilityRef(UUID facilityId) implements Guarded {}

    /** A port operator or a bureau with its jurisdiction (directory data, kept by administrators). */
    record PartyRef(UUID partyId) implements Guarded {}

    /** A user account: who may sign in, in which role, for which party (administrators only). */
    record UserRef(UUID userId) implements Guarded {}

    /** A vessel, with the ports it is related to (home port, ports of its calls). */
    record VesselRef(UUID vesselId, Set<UUID> relatedPortIds) implements Guarded {
        public VesselRef {
            relatedPortIds = Set.copyOf(relatedPortIds);
        }
    }

    /** A meter at a berth of a port. */
    record MeterRef(UUID portId) implements Guarded {}

    /** A vessel call at a berth of a port. */
    record CallRef(UUID vesselId, UUID portId) implements Guarded {}

    /** A manifest: its vessel, the port of its call, and every party involved (receiver, signers, next party). */
    record ManifestRef(UUID vesselId, UUID portId, Set<UUID> involvedParties) implements Guarded {
        public ManifestRef {
            involvedParties = Set.copyOf(involvedParties);
        }
    }
}
