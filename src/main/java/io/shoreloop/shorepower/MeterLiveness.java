package io.shoreloop.shorepower;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Meter liveness from silence: a meter heard of before, online or of unknown state, that sent nothing for longer than
 * {@code silence-factor} × its reporting interval goes offline (source {@code SILENCE}); its next reading brings it
 * back online. Also keeps the monthly reading partitions ahead of time.
 *
 * <p>A session still open when its meter has sent no reading for longer than the silence timeout, or 3 reporting
 * intervals when that is longer ({@link AccountingRules#silenceFor}) (by the time
 * Shoreloop received them, not the meter's clock) is {@link SessionStatus#INTERRUPTED}, flagged so, ending at its
 * last reading: what {@link SessionBuilder} decides when the next reading comes after the silence, decided without
 * waiting for a reading that may never come. The next reading received re-derives the session as any late reading
 * does: one within the silence timeout of its last reading (a meter sending what it kept while unreachable)
 * continues it, a later one leaves it interrupted. The meter's state row is locked first, as ingestion locks it, so
 * a batch of the meter's readings being stored is waited for and then seen.
 *
 * <p>Silence counts only while Shoreloop listens ({@link Listening}): after an outage of Shoreloop's or of its
 * connection to the broker, the broker first delivers what it kept. A meter is judged silent only once this instance
 * has been listening for as long as the meter's silence takes; sessions are interrupted only once it has been
 * listening for {@code shoreloop.shorepower.interrupt-after-start} (the silence timeout). Until 2026-12-07 (eighth
 * session) the sessions' wait ran from the instance's start (a lost connection did not count) and the meters' did
 * not exist.
 */
@ApplicationScoped
@Transactional
public class MeterLiveness {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MeterLiveness.class);

    /** The silence timeout session building uses ({@link ShorePowerIngest} builds with the default rules). */
    static final java.time.Duration SILENCE_TIMEOUT = AccountingRules.defaults().silenceTimeout();

    /**
     * Offline from the moment the silence became longer than {@code silence-factor} reporting intervals: from the
     * meter's latest evidence (its last message received, its last change online or offline, or its last status
     * message, which may have changed nothing: their times) plus those intervals, whenever the check runs; until
     * 2026-12-07 (seventh session) the check's own time, up to {@code liveness-every} later, and later still after an
     * outage of Shoreloop's. The rows are locked in the meters' order first, as ingestion locks them.
     */
    private static final String SILENCE = """
            with candidates as (
                select st.meter_id from shore_meter_state st join meter m on m.id = st.meter_id
                 where st.online is distinct from false
                   and (st.last_received_at is not null or st.last_status_at is not null)
                   and greatest(st.online_since, st.last_received_at, st.last_status_at)
                       < now() - make_interval(secs => m.reporting_interval_s * :factor)
                   and m.reporting_interval_s * :factor <= :listened
                 order by st.meter_id
                   for update of st
            ), silent as (
                update shore_meter_state st
                   set online = false,
                       online_since = greatest(st.online_since, st.last_received_at, st.last_status_at)
                                      + make_interval(secs => m.reporting_interval_s * :factor),
                       updated_at = now()
                  from candidates c, meter m
                 where st.meter_id = c.meter_id and m.id = st.meter_id
                returning st.meter_id, st.online_since
            )
            insert into meter_status (meter_id, online, source, at)
            select meter_id, false, 'SILENCE', online_since from silent
            """;

    private static final String INTERRUPT = """
            with silent as (
                select st.meter_id from shore_session open
                  join shore_meter_state st on st.meter_id = open.meter_id
                  join meter m on m.id = open.meter_id
                 where open.status = 'OPEN'
                   and st.last_received_at
                       < now() - make_interval(secs => greatest(:timeout, m.reporting_interval_s * :gapFactor))
                 order by st.meter_id
                   for update of st
            )
            update shore_session s
               set status = 'INTERRUPTED',
                   flags = array(select distinct f collate "C" from unnest(s.flags || 'INTERRUPTED'::text) f
                                  order by 1)
              from silent
             where s.meter_id = silent.meter_id and s.status = 'OPEN'
            """;

    private final EntityManager em;
    private final ShoreloopConfig config;
    private final Clock clock;
    private final Listening listening;

    public MeterLiveness(EntityManager em, ShoreloopConfig config, Clock clock, Listening listening) {
        this.em = em;
        this.config = config;
        this.clock = clock;
        this.listening = listening;
    }

    void onStart(@Observes StartupEvent event) {
        ensurePartitions();
    }

    /** Each in a transaction of its own: the locks of one are not held while the other waits for more. */
    @Scheduled(every = "${shoreloop.shorepower.liveness-every:10s}", delayed = "5s")
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    void scheduledSilenceCheck() {
        checkSilence();
        interruptSilentSessions();
    }

    /**
     * Marks silent meters offline; answers how many went offline. A meter is judged only once this instance has been
     * listening ({@link Listening}) for as long as its silence takes ({@code silence-factor} reporting intervals):
     * none while it is not listening.
     */
    public int checkSilence() {
        Optional<Duration> listened = listening.lasted(clock.instant());
        if (listened.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery(SILENCE)
                .setParameter("factor", config.shorepower().silenceFactor())
                .setParameter("listened", (double) listened.get().toMillis() / 1000)
                .executeUpdate();
    }

    /**
     * Ends the open sessions of meters silent for longer than the silence timeout; answers how many. The session's
     * {@code updated_at} stays: the rematch reads it to know which calls changed after the session was matched.
     */
    public int interruptSilentSessions() {
        Optional<Duration> listened = listening.lasted(clock.instant());
        if (listened.isEmpty() || listened.get().compareTo(config.shorepower().interruptAfterStart()) < 0) {
            return 0;
        }
        int interrupted = em.createNativeQuery(INTERRUPT)
                .setParameter("timeout", (double) SILENCE_TIMEOUT.toMillis() / 1000)
                .setParameter("gapFactor", AccountingRules.defaults().gapFactor())
                .executeUpdate();
        if (interrupted > 0) {
            LOG.infof(
                    "%d open session(s) interrupted: their meters sent no reading for %s (or 3 reporting intervals)",
                    interrupted, SILENCE_TIMEOUT);
        }
        return interrupted;
    }

    @Scheduled(cron = "0 17 3 * * ?")
    void scheduledPartitions() {
        ensurePartitions();
    }

    /** Creates this month's and the next three months' reading partitions if missing. */
    public void ensurePartitions() {
        LocalDate month = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
        for (int i = 0; i <= 3; i++) {
            em.createNativeQuery("select count(*) from shorepower_ensure_partition(cast(:m as date))")
                    .setParameter("m", month.plusMonths(i))
                    .getSingleResult();
        }
    }
}
