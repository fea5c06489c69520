package io.shoreloop.registry;

import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.platform.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Berth and meter faults: recorded by the operator of the berth's port, readable by whoever may read the berth.
 * Each recording fires {@link FaultRecorded}.
 */
@ApplicationScoped
@Transactional
public class FaultService {

    /** A fault as the operator records it. */
    public record FaultInput(
            UUID meterId,
            @NotNull Instant start,
            Instant end,
            Instant repairedAt,
            @NotBlank @Size(max = 2000) String description) {}

    /** The end of a fault, recorded later. */
    public record FaultEnd(@NotNull Instant end, Instant repairedAt) {}

    /** A fault as answered. */
    public record FaultView(
            UUID id,
            UUID berthId,
            UUID meterId,
            Instant start,
            Instant end,
            Instant repairedAt,
            String description,
            UUID recordedBy,
            Instant recordedAt) {
        static FaultView of(BerthFault f) {
            return new FaultView(
                    f.id,
                    f.berthId,
                    f.meterId,
                    f.startedAt,
                    f.endedAt,
                    f.repairedAt,
                    f.description,
                    f.recordedBy,
                    f.recordedAt);
        }
    }

    private final Guard guard;
    private final Event<FaultRecorded> recorded;
    private final Clock clock;

    public FaultService(Guard guard, Event<FaultRecorded> recorded, Clock clock) {
        this.guard = guard;
        this.recorded = recorded;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<FaultView> list(Actor actor, UUID berthId) {
        Berth berth = berth(berthId);
        guard.require(actor, Action.READ, new Guarded.BerthRef(berth.portId), "Berth " + berthId);
        return BerthFault.<BerthFault>list("berthId = ?1 order by startedAt desc, id", berthId).stream()
                .map(FaultView::of)
                .toList();
    }

    public FaultView record(Actor actor, UUID berthId, FaultInput input) {
        Berth berth = berth(berthId);
        guard.require(actor, Action.CREATE, new Guarded.BerthRef(berth.portId), "Berth " + berthId);
        if (input.meterId() != null) {
            Meter meter = Meter.findById(input.meterId());
            if (meter == null || !meter.berthId.equals(berthId)) {
                throw new Problems.UnknownReference("meterId", "meter of this berth");
            }
        }
        Instant now = clock.instant();
        if (input.start().isAfter(now)) {
            throw new Problems.InvalidField("fault-in-future", "start", "A fault is recorded once it has started");
        }
        checkTimes(input.start(), input.end(), input.repairedAt());
        BerthFault f = new BerthFault();
        f.id = UUID.randomUUID();
        f.berthId = berthId;
        f.meterId = input.meterId();
        f.startedAt = input.start();
        f.endedAt = input.end();
        f.repairedAt = input.repairedAt();
        f.description = input.description();
        f.recordedBy = actor.userId();
        f.recordedAt = now;
        f.persistAndFlush();
        recorded.fire(new FaultRecorded(f.id, f.berthId, f.startedAt, f.endedAt));
        return FaultView.of(f);
    }

    /** Records the end (and repair time) of a fault that was recorded while it lasted. */
    public FaultView end(Actor actor, UUID berthId, UUID faultId, FaultEnd input) {
        Berth berth = berth(berthId);
        guard.require(actor, Action.UPDATE, new Guarded.BerthRef(berth.portId), "Berth " + berthId);
        BerthFault f = BerthFault.findById(faultId);
        if (f == null || !f.berthId.equals(berthId)) {
            throw new Problems.NotFound("Fault " + faultId);
        }
        if (f.endedAt != null) {
            throw new Problems.InvalidField("fault-ended", "end", "The fault's end is already recorded");
        }
        checkTimes(f.startedAt, input.end(), input.repairedAt());
        f.endedAt = input.end();
        f.repairedAt = input.repairedAt();
        f.persistAndFlush();
        recorded.fire(new FaultRecorded(f.id, f.berthId, f.startedAt, f.endedAt));
        return FaultView.of(f);
    }

    private static void checkTimes(Instant start, Instant end, Instant repairedAt) {
        if (end != null && !end.isAfter(start)) {
            throw new Problems.InvalidField("end-before-start", "end", "end must be after start");
        }
        if (repairedAt != null && repairedAt.isBefore(start)) {
            throw new Problems.InvalidField("repair-before-start", "repairedAt", "repairedAt must not be before start");
        }
    }

    private static Berth berth(UUID id) {
        Berth berth = Berth.findById(id);
        if (berth == null) {
            throw new Problems.NotFound("Berth " + id);
        }
        return berth;
    }
}
