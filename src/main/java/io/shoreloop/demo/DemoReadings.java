package io.shoreloop.demo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.shoreloop.calls.VesselCall;
import io.shoreloop.shorepower.IngestBatch;
import io.shoreloop.shorepower.MeterDirectory;
import io.shoreloop.shorepower.Reading;
import io.shoreloop.shorepower.RegisteredMeter;
import io.shoreloop.shorepower.ShorePowerIngest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo meters' readings around two past calls at Guoyuan (domain.md: "meter readings with one reset"), stored
 * through the same path as readings that come over MQTT, so that sessions, their matches to the calls and the calls'
 * verdicts are Shoreloop's own work:
 *
 * <ul>
 *   <li>{@code CQ-GY-B01-M1} during Yu Container 1's 8 h call: the ship connects 25 min after berthing and
 *       disconnects 20 min before leaving, drawing 110-170 kW; the meter reboots halfway (its register restarts from
 *       zero): one session of the call, flagged {@code RESET}, its energy exactly what the ship drew;
 *   <li>{@code CQ-GY-B02-M1} during Yu Roro 8's 1.5 h call: the breaker stays open (a stay under 2 h owes no shore
 *       power): no session.
 * </ul>
 *
 * <p>Every 15 s, the meters' registered interval, from 15 min before the call to 15 min after it, with their status
 * (online, then offline as a last will). Both calls lie more than a day back, so the port-day simulator's last 24 hours
 * (README "Device simulators") never publish over them. The cruise ship's call has no readings: it did not connect.
 */
@ApplicationScoped
class DemoReadings {

    static final String METER_CONTAINER = "CQ-GY-B01-M1";
    static final String METER_RORO = "CQ-GY-B02-M1";
    static final String MMSI_YU_CONTAINER = "413800001";

    private static final Duration STEP = Duration.ofSeconds(15);
    private static final Duration MARGIN = Duration.ofMinutes(15);

    private final ShorePowerIngest store;
    private final MeterDirectory meters;

    DemoReadings(ShorePowerIngest store, MeterDirectory meters) {
        this.store = store;
        this.meters = meters;
    }

    /** Records the readings (after the demo data committed: the calls must be there). */
    void record() {
        Map<String, RegisteredMeter> registered = meters.resolve(List.of(METER_CONTAINER, METER_RORO));
        List<VesselCall> calls = QuarkusTransaction.requiringNew()
                .call(() -> List.of(
                        VesselCall.<VesselCall>findById(DemoHistory.CALL_YU_CONTAINER_1),
                        VesselCall.<VesselCall>findById(DemoHistory.CALL_YU_RORO_8)));
        VesselCall container = calls.get(0);
        VesselCall roro = calls.get(1);
        store.store(containerCall(registered.get(METER_CONTAINER), container).batch());
        store.store(generate(registered.get(METER_RORO), roro.arrival, roro.departure, null, null, 15_402_800L, false)
                .batch());
    }

    /** Yu Container 1's call: connected 25 min after berthing until 20 min before leaving, the meter rebooting. */
    static Generated containerCall(RegisteredMeter meter, VesselCall call) {
        return generate(
                meter,
                call.arrival,
                call.departure,
                call.arrival.plus(Duration.ofMinutes(25)),
                call.departure.minus(Duration.ofMinutes(20)),
                8_231_250L,
                true);
    }

    /** A meter's generated readings with the energy they truly drew (what the session must show, to the Wh). */
    record Generated(IngestBatch batch, long drawnWh) {}

    /**
     * One meter's readings over a call: the breaker closed from {@code connect} to {@code disconnect} (null: never),
     * the register starting at {@code registerWh}, rebooting halfway through the connection when {@code reboot}.
     */
    static Generated generate(
            RegisteredMeter meter,
            Instant arrival,
            Instant departure,
            Instant connect,
            Instant disconnect,
            long registerWh,
            boolean reboot) {
        Instant from = arrival.minus(MARGIN);
        Instant to = departure.plus(MARGIN);
        Instant rebootAt = reboot && connect != null
                ? connect.plus(Duration.between(connect, disconnect).dividedBy(2))
                : null;
        Random load = new Random(meter.code().hashCode());
        List<IngestBatch.Incoming> readings = new ArrayList<>();
        long register = registerWh;
        long seq = 1_000;
        long drawn = 0;
        double carriedWh = 0;
        boolean wasClosed = false;
        for (Instant t = from; !t.isAfter(to); t = t.plus(STEP)) {
            boolean closed = connect != null && !t.isBefore(connect) && t.isBefore(disconnect);
            // kW with one decimal, as a meter reports it
            double kw = closed ? Math.round(1100 + 600 * load.nextDouble()) / 10.0 : 0;
            // the energy of the interval ending here, drawn only while the breaker was closed at both of its ends (so
            // that no step at a session's boundary is ambiguous), at this reading's power, in whole Wh (the rest
            // carried)
            long wh = 0;
            if (closed && wasClosed) {
                carriedWh += kw * STEP.toSeconds() / 3.6;
                wh = (long) carriedWh;
                carriedWh -= wh;
            }
            wasClosed = closed;
            if (rebootAt != null && !t.isBefore(rebootAt)) {
                // the meter rebooted during this interval: its register restarted from zero, seq too
                register = 0;
                seq = 0;
                rebootAt = null;
            }
            register += wh;
            drawn += wh;
            Reading r = new Reading(meter.code(), seq++, t, register, kw, closed, closed ? MMSI_YU_CONTAINER : null);
            double amps = Math.round(kw * 10_000 / (400 * Math.sqrt(3))) / 10.0;
            readings.add(new IngestBatch.Incoming(meter, r, 400.0, amps, 50.0, t));
        }
        IngestBatch batch = new IngestBatch(
                readings,
                List.of(
                        new IngestBatch.StatusReport(meter, true, from),
                        new IngestBatch.StatusReport(meter, false, to.plus(STEP))),
                List.of());
        return new Generated(batch, drawn);
    }
}
