package io.shoreloop.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The ingesting instances' heartbeats, and the adoption of the broker sessions of instances gone for good.
 *
 * <p>Every instance that ingests records every {@code heartbeat} that it is alive ({@code ingest_instance}, by its
 * client id). An instance not seen for {@code retire-after} is taken for gone: one live instance claims it (a lease of
 * twice {@code retire-timeout}, so that one adopter works on it at a time and another takes over from an adopter that
 * died) and adopts its session ({@link SessionAdoption}): what the session holds is stored, the session ended. A
 * scale-down of the StatefulSet, a pod renamed or an instance switched off for good so leave nothing waiting on the
 * broker for long: Mosquitto keeps handing a shared subscription's messages round robin to the sessions of members
 * that are away, connected or not (measured with Mosquitto 2.0.11: with one of two members away, it got every second
 * message), and would drop them when the session expired. An instance that comes back simply starts a new session and
 * subscribes again; one that comes back while its session is being adopted takes it over (the adoption stops).
 */
@Singleton
public class IngestInstances {

    private static final Logger LOG = Logger.getLogger(IngestInstances.class);

    private static final String HEARTBEAT = "insert into ingest_instance (client_id, last_seen_at) values (?, now())"
            + " on conflict (client_id) do update set last_seen_at = now(), claimed_by = null, claimed_at = null,"
            + " retired_at = null";

    /** The longest-silent gone instance nobody holds a lease on, leased to the caller. */
    private static final String CLAIM = """
            update ingest_instance set claimed_by = ?, claimed_at = now()
             where client_id = (select client_id from ingest_instance
                                 where client_id <> ? and retired_at is null
                                   and last_seen_at < now() - cast(? as interval)
                                   and (claimed_at is null or claimed_at < now() - cast(? as interval))
                                 order by last_seen_at limit 1
                                 for update skip locked)
            returning client_id""";

    /** Retired, unless the instance came back meanwhile (its heartbeat cleared the lease). */
    private static final String RETIRED =
            "update ingest_instance set retired_at = now() where client_id = ? and claimed_by = ?";

    /** The lease given up, for another try later. */
    private static final String RELEASE =
            "update ingest_instance set claimed_by = null, claimed_at = null where client_id = ? and claimed_by = ?";

    private final ShoreloopConfig.Mqtt config;
    private final Sql sql;
    private final MqttIngest ingest;
    private final SessionAdoption adoption;
    private final Counter adopted;
    private final Counter adoptedMessages;

    public IngestInstances(ShoreloopConfig config, Sql sql, MqttIngest ingest, MeterRegistry metrics) {
        this.config = config.mqtt();
        this.sql = sql;
        this.ingest = ingest;
        this.adoption = new SessionAdoption(this.config, new BrokerClients(this.config), ingest);
        this.adopted = metrics.counter("shoreloop.ingest.sessions.adopted");
        this.adoptedMessages = metrics.counter("shoreloop.ingest.sessions.adopted.messages");
    }

    /**
     * The first heartbeat as soon as the ingest started: after {@link MqttIngest}'s start-up observer (at the default
     * priority, {@code APPLICATION + 500}); the scheduled one would find it not started yet while the demo data loads.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        heartbeat();
    }

    /**
     * Records that this instance is alive, while it ingests (also while the broker is away: its session is resumed when
     * the broker is back).
     */
    @Scheduled(
            every = "${shoreloop.mqtt.heartbeat:30s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (!ingest.alive()) {
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> sql.update(HEARTBEAT, config.clientId()));
        } catch (RuntimeException e) {
            LOG.debugf("Heartbeat not recorded (%s); next time", e.getMessage());
        }
    }

    /**
     * Adopts the session of one gone instance, if there is one (on its own schedule: an adoption may take a while); the
     * first look one heartbeat after the start.
     */
    @Scheduled(
            every = "${shoreloop.mqtt.heartbeat:30s}",
            delayed = "${shoreloop.mqtt.heartbeat:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retireGone() {
        if (config.retireAfter().isZero() || !ingest.ingesting()) {
            return;
        }
        try {
            while (ingest.ingesting() && retireOne()) {
                // the next gone one, if any
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Looking for gone instances failed; next time");
        }
    }

    /**
     * Claims and retires one gone instance: adopts its session where the broker queues for absent shared members
     * ({@link SessionAdoption#needed}), else records it retired and leaves its session to expire. Answers whether one
     * was retired.
     */
    boolean retireOne() throws InterruptedException {
        Optional<String> gone = claim();
        if (gone.isEmpty()) {
            return false;
        }
        String clientId = gone.get();
        Boolean adopt;
        try {
            adopt = adoption.needed(ingest.protocol());
        } catch (RuntimeException | InterruptedException e) {
            QuarkusTransaction.requiringNew().run(() -> sql.update(RELEASE, clientId, me()));
            throw e;
        }
        if (adopt == null) {
            // the broker could not be asked whether it keeps anything for absent members: decided next time
            LOG.debugf("Instance '%s' is gone; the broker could not be asked about its session, next time", clientId);
            QuarkusTransaction.requiringNew().run(() -> sql.update(RELEASE, clientId, me()));
            return false;
        }
        if (!adopt) {
            LOG.infof(
                    "Instance '%s' is gone; its broker session is left to expire (the broker queues nothing for absent"
                            + " shared-subscription members: shoreloop.mqtt.adopt-sessions)",
                    clientId);
            QuarkusTransaction.requiringNew().run(() -> sql.update(RETIRED, clientId, me()));
            return true;
        }
        SessionAdoption.Result r = null;
        try {
            r = adoption.adopt(clientId, ingest.protocol());
            SessionAdoption.log(clientId, r);
            adoptedMessages.increment(r.messages());
            if (r.ended()) {
                adopted.increment();
            }
            return r.ended();
        } finally {
            // also when the adoption failed unexpectedly: the lease is given up rather than held until it runs out
            String outcome = r != null && r.ended() ? RETIRED : RELEASE;
            QuarkusTransaction.requiringNew().run(() -> sql.update(outcome, clientId, me()));
        }
    }

    private Optional<String> claim() {
        Duration lease = config.retireTimeout().multipliedBy(2);
        return QuarkusTransaction.requiringNew()
                .call(() -> sql.first(
                        CLAIM,
                        rs -> rs.getString(1),
                        me(),
                        me(),
                        config.retireAfter().toString(),
                        lease.toString()));
    }

    private String me() {
        return config.clientId();
    }

    /** An ingesting instance as the administrators see it. */
    public record InstanceView(
            String clientId,
            boolean self,
            State state,
            Instant lastSeenAt,
            String claimedBy,
            Instant claimedAt,
            Instant retiredAt) {}

    /**
     * {@code ALIVE}: seen within three heartbeats; {@code SILENT}: not, but not yet for {@code retire-after};
     * {@code GONE}: longer (retired at the next look); {@code ADOPTING}: an instance holds the lease on it; {@code
     * RETIRED}: its session was adopted and ended, or left to expire on a broker that queues nothing for it (until it
     * comes back).
     */
    public enum State {
        ALIVE,
        SILENT,
        GONE,
        ADOPTING,
        RETIRED
    }

    /** Every instance that ever ingested, most recently seen first (administrators only). */
    public List<InstanceView> list(Actor actor) {
        if (!actor.is(Role.ADMIN)) {
            throw new Problems.ActionForbidden("Only administrators see the ingesting instances");
        }
        Duration lease = config.retireTimeout().multipliedBy(2);
        return sql.list(
                """
                select client_id, last_seen_at, claimed_by, claimed_at, retired_at,
                       case when retired_at is not null then 'RETIRED'
                            when claimed_at >= now() - cast(? as interval) then 'ADOPTING'
                            when ? and last_seen_at < now() - cast(? as interval) then 'GONE'
                            when last_seen_at < now() - cast(? as interval) then 'SILENT'
                            else 'ALIVE' end
                  from ingest_instance order by last_seen_at desc, client_id""",
                rs -> new InstanceView(
                        rs.getString(1),
                        rs.getString(1).equals(me()),
                        State.valueOf(rs.getString(6)),
                        Sql.instant(rs, 2),
                        rs.getString(3),
                        Sql.instant(rs, 4),
                        Sql.instant(rs, 5)),
                lease.toString(),
                !config.retireAfter().isZero(),
                config.retireAfter().toString(),
                config.heartbeat().multipliedBy(3).toString());
    }
}
