package io.shoreloop.ingest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Sql;
import io.shoreloop.shorepower.IngestBatch;
import io.shoreloop.shorepower.ShorePowerService;
import io.shoreloop.shorepower.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Replays dead letters: the message of a dead letter is processed again as it came (its topic, payload and receive
 * time) through the same validation and store as a message from the broker, once. The case it is for: a meter that
 * published before it was registered (its messages are dead letters {@code unregistered-meter} until then), or a
 * message a fault of Shoreloop's refused ({@code store-failed}) once that is mended. Readings stored meanwhile count as
 * duplicates; the energy rules take late readings as they take them from the broker. A message rejected again stays
 * an unreplayed dead letter, and nothing of it is stored. Replaying is the port's berth operators' and the
 * administrators' (bureaus see dead letters, they do not act on them).
 */
@ApplicationScoped
public class DeadLetterReplay {

    /**
     * What a replay of several dead letters gave: those rejected again are named with their reasons; {@code more}: others
     * wait after {@code lastId} (pass it as {@code after} to go on; letters rejected again stay unreplayed before it).
     */
    public record Summary(
            int replayed,
            int readingsStored,
            int duplicates,
            List<Rejected> stillRejected,
            boolean more,
            Long lastId) {}

    /** A dead letter rejected again. */
    public record Rejected(long id, List<String> reasons) {}

    /** At most this many dead letters per request of {@link #replayAll}; {@code more} tells that others wait. */
    static final int MAX_PER_REQUEST = 500;

    private record Letter(
            long id,
            String topic,
            UUID portId,
            String meterCode,
            String payload,
            boolean truncated,
            String reason,
            Instant receivedAt,
            Instant replayedAt,
            String replayKey,
            String replayOutcome) {}

    private final MqttIngest ingest;
    private final Sql sql;
    private final Guard guard;
    private final Clock clock;

    public DeadLetterReplay(MqttIngest ingest, Sql sql, Guard guard, Clock clock) {
        this.ingest = ingest;
        this.sql = sql;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Replays one dead letter; answers it as it is now (replayed, with what the replay gave). A letter replayed already
     * is 409 {@code dead-letter-already-replayed}, unless it was this request that replayed it: the same user with the
     * same {@code idempotencyKey} (the request sent again after a crash lost its stored answer, or sent twice at once,
     * the second waiting for the first), which gets the letter as that replay left it.
     */
    public ShorePowerService.DeadLetterView replay(Actor actor, long id, String idempotencyKey) {
        String requestKey = idempotencyKey == null ? null : requestKey(actor, idempotencyKey);
        try {
            return QuarkusTransaction.requiringNew()
                    .call(() -> replayLocked(actor, id, requestKey))
                    .view();
        } catch (DeadLetterStillRejected e) {
            noteRejection(id, e.reasons());
            throw e;
        }
    }

    /**
     * Notes on an unreplayed dead letter why its replay was rejected again (after the replay's transaction, which held
     * the letter locked, rolled back): its original reason stays as it was.
     */
    private void noteRejection(long id, List<String> reasons) {
        String note = "rejected again at " + clock.instant() + ": " + String.join("; ", reasons);
        QuarkusTransaction.requiringNew()
                .run(() -> sql.update(
                        "update dead_letter set replay_outcome = ? where id = ? and replayed_at is null",
                        note.length() > 2000 ? note.substring(0, 2000) : note,
                        id));
    }

    /** A replayed dead letter as it is now, and what its message gave. */
    private record Done(ShorePowerService.DeadLetterView view, IngestBatch.Outcome outcome) {}

    /**
     * Replays the unreplayed dead letters of one meter (by the code its messages named) after the letter {@code after}
     * (0: from the first), in the order they were stored, at most {@link #MAX_PER_REQUEST}; each in a transaction of its
     * own, so that one rejected again does not hold the others. With an {@code idempotencyKey}, the letters this request
     * (the same user, the same key) replayed before count as replayed again, with what they gave: the request sent again
     * after a crash lost its stored answer reports what it did, not only what was left (until 2026-12-07, eighth
     * session).
     */
    public Summary replayAll(Actor actor, String meterCode, long after, String idempotencyKey) {
        String requestKey = idempotencyKey == null ? null : requestKey(actor, idempotencyKey);
        if (!actor.is(Role.ADMIN) && !actor.is(Role.BERTH_OPERATOR)) {
            throw new Problems.ActionForbidden("Only berth operators and administrators replay dead letters");
        }
        // an operator's: those of the ports it operates (a letter without a known port is the administrators')
        boolean all = actor.is(Role.ADMIN);
        UUID[] ports = actor.portIds().toArray(UUID[]::new);
        List<Long> ids = QuarkusTransaction.requiringNew()
                .call(() -> sql.query(
                        // the unreplayed ones by their index, and those this request replayed by theirs (V36)
                        "select id from (select id, port_id from dead_letter where meter_code = ? and replayed_at is"
                                + " null union all select id, port_id from dead_letter where replay_key = ?"
                                + " and meter_code = ?) d where id > ? and (?::boolean or port_id = any(?::uuid[]))"
                                + " order by id limit " + (MAX_PER_REQUEST + 1),
                        rs -> {
                            List<Long> out = new ArrayList<>();
                            while (rs.next()) {
                                out.add(rs.getLong(1));
                            }
                            return out;
                        },
                        meterCode,
                        requestKey,
                        meterCode,
                        after,
                        all,
                        ports));
        int replayed = 0;
        int stored = 0;
        int duplicates = 0;
        List<Rejected> rejected = new ArrayList<>();
        List<Long> taken = ids.subList(0, Math.min(ids.size(), MAX_PER_REQUEST));
        for (long id : taken) {
            try {
                Done done = QuarkusTransaction.requiringNew().call(() -> replayLocked(actor, id, requestKey));
                replayed++;
                int[] gave = done.outcome() != null
                        ? new int[] {done.outcome().stored(), done.outcome().duplicates()}
                        : gave(done.view().replayOutcome());
                stored += gave[0];
                duplicates += gave[1];
            } catch (DeadLetterStillRejected e) {
                noteRejection(id, e.reasons());
                rejected.add(new Rejected(id, e.reasons()));
            } catch (DeadLetterTruncated e) {
                rejected.add(new Rejected(id, List.of(e.getMessage())));
            } catch (DeadLetterAlreadyReplayed | Problems.NotFound e) {
                // replayed by a concurrent request, or purged, meanwhile (the query took only the actor's ports)
            }
        }
        return new Summary(
                replayed,
                stored,
                duplicates,
                rejected,
                ids.size() > MAX_PER_REQUEST,
                taken.isEmpty() ? null : taken.get(taken.size() - 1));
    }

    /**
     * In the caller's transaction: locks the dead letter (a concurrent replay of it waits, then finds it replayed),
     * checks the actor's right, processes the message (its store commits on its own: what it stores is stored even if
     * this transaction then fails, and a replay after that finds its readings stored, as duplicates), then marks the
     * letter replayed.
     */
    private Done replayLocked(Actor actor, long id, String requestKey) {
        Letter letter = sql.query(
                "select id, topic, port_id, meter_code, payload, payload_truncated, reason, received_at, replayed_at,"
                        + " replay_key, replay_outcome from dead_letter where id = ? for update",
                rs -> rs.next() ? letter(rs) : null,
                id);
        if (letter == null || (letter.portId() == null && !actor.is(Role.ADMIN))) {
            throw new Problems.NotFound("Dead letter " + id);
        }
        guard.require(actor, Action.UPDATE, new Guarded.MeterRef(letter.portId()), "Dead letter " + id);
        if (letter.replayedAt() != null) {
            if (requestKey != null && requestKey.equals(letter.replayKey())) {
                return new Done(view(letter, letter.replayedAt(), letter.replayOutcome()), null);
            }
            throw new DeadLetterAlreadyReplayed(id, letter.replayedAt());
        }
        if (letter.truncated()) {
            throw new DeadLetterTruncated(id);
        }
        // the dead letters of a stored-and-refused message's bad elements were stored with it the first time
        boolean elementLettersKept =
                letter.reason().startsWith("store-failed:") || letter.reason().startsWith("store-refused:");
        IngestBatch.Outcome outcome;
        try {
            outcome = ingest.replay(letter.topic(), letter.payload(), letter.receivedAt(), elementLettersKept);
        } catch (StoreUnavailable e) {
            if (e.isTransient()) {
                throw e;
            }
            throw new DeadLetterStillRejected(List.of("store-refused: " + e.reason()));
        }
        String text = "stored " + outcome.stored() + ", duplicates " + outcome.duplicates() // read by gave()
                + (outcome.deadLetters() > 0 ? ", dead letters " + outcome.deadLetters() : "");
        // as stored (microseconds), so that the answer to this request sent again is the same
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        sql.update(
                "update dead_letter set replayed_at = ?, replayed_by = ?, replay_outcome = ?, replay_key = ?"
                        + " where id = ?",
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                actor.userId(),
                text,
                requestKey,
                id);
        return new Done(view(letter, now, text), outcome);
    }

    private static final java.util.regex.Pattern GAVE =
            java.util.regex.Pattern.compile("stored (\\d+), duplicates (\\d+).*");

    /** The readings stored and the duplicates of a replay, from the outcome kept on its letter (as written above). */
    static int[] gave(String outcome) {
        java.util.regex.Matcher m = outcome == null ? null : GAVE.matcher(outcome);
        return m != null && m.matches()
                ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))}
                : new int[] {0, 0};
    }

    private static ShorePowerService.DeadLetterView view(Letter letter, Instant replayedAt, String outcome) {
        return new ShorePowerService.DeadLetterView(
                letter.id(),
                letter.topic(),
                letter.portId(),
                letter.meterCode(),
                letter.reason(),
                letter.payload(),
                letter.truncated(),
                letter.receivedAt(),
                replayedAt,
                outcome);
    }

    /** Who replayed with which key, as kept on the letter: a hash, never the key itself. */
    private static String requestKey(Actor actor, String idempotencyKey) {
        return io.shoreloop.platform.CanonicalJson.sha256(actor.userId() + "\n" + idempotencyKey);
    }

    private static Letter letter(ResultSet rs) throws SQLException {
        Timestamp replayed = rs.getTimestamp(9);
        return new Letter(
                rs.getLong(1),
                rs.getString(2),
                rs.getObject(3, UUID.class),
                rs.getString(4),
                rs.getString(5),
                rs.getBoolean(6),
                rs.getString(7),
                rs.getTimestamp(8).toInstant(),
                replayed == null ? null : replayed.toInstant(),
                rs.getString(10),
                rs.getString(11));
    }
}
