package io.shoreloop.shorepower;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Meter liveness from silence: a meter heard of before, online or of unknown state, that sent nothing for longer than
 * {@code silence-factor} × its reporting interval goes offline (source {@code SILENCE}); its next reading brings it
 * back online. Also keeps the monthly reading partitions ahead of time.
 */
@ApplicationScoped
@Transactional
public class MeterLiveness {

    private static final String SILENCE = """
            with silent as (
                update shore_meter_state st set online = false, online_since = now(), updated_at = now()
                  from meter m
                 where m.id = st.meter_id and st.online is distinct from false and st.last_received_at is not null
                   and st.last_received_at < now() - make_interval(secs => m.reporting_interval_s * :factor)
                returning st.meter_id, st.last_received_at
            )
            insert into meter_status (meter_id, online, source, at)
            select meter_id, false, 'SILENCE', now() from silent
            """;

    private final EntityManager em;
    private final ShoreloopConfig config;
    private final Clock clock;

    public MeterLiveness(EntityManager em, ShoreloopConfig config, Clock clock) {
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        ensurePartitions();
    }

    @Scheduled(every = "${shoreloop.shorepower.liveness-every:10s}", delayed = "5s")
    void scheduledSilenceCheck() {
        checkSilence();
    }

    /** Marks silent meters offline; answers how many went offline. */
    public int checkSilence() {
        return em.createNativeQuery(SILENCE)
                .setParameter("factor", config.shorepower().silenceFactor())
                .executeUpdate();
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
