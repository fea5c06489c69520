package io.shoreloop.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shoreloop's own configuration ({@code shoreloop.*}; each key also as an environment variable). */
@ConfigMapping(prefix = "shoreloop")
public interface ShoreloopConfig {

    /** Load the demo port and enable demo tokens ({@code SHORELOOP_DEMO}). Refused in the prod profile. */
    @WithDefault("false")
    boolean demo();

    /** Where the embedded defaults keep their data ({@code SHORELOOP_DATA_DIR}); set by the launcher. */
    Optional<String> dataDir();

    /**
     * How the launcher chooses PostgreSQL and the broker ({@code SHORELOOP_INFRA}: auto, embedded, containers). Read
     * by the launcher before Quarkus starts; declared here so that {@code -Dshoreloop.infra=...} passes validation.
     */
    Optional<String> infra();

    /** The embedded broker's class path ({@code SHORELOOP_BROKER_LIB}); read by the launcher, declared likewise. */
    Optional<String> brokerLib();

    /** What the launcher started, one line each, for the demo banner; set by the launcher. */
    Optional<String> infraSummary();

    /**
     * The address at which the public reaches this service ({@code SHORELOOP_PUBLIC_BASE_URL}), without a trailing
     * slash; the QR code on a copy of record points to its verification page under it.
     */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    /** The MQTT broker. */
    Mqtt mqtt();

    /** Identity: token issuer and lifetime of the tokens Shoreloop mints itself (embedded default only). */
    Identity identity();

    /** Paging limits for list endpoints. */
    Paging paging();

    /** How long idempotency keys and their answers are kept. */
    Idempotency idempotency();

    /** Manifest rules: reconciliation tolerance and deadlines. */
    Manifests manifest();

    /** Ledger checkpoints. */
    Ledger ledger();

    /** Per-call compliance verdicts: zero-discharge rates and thresholds, stay tolerance, sweep. */
    Compliance compliance();

    /**
     * Per-call compliance verdicts. The per-capita rates are configurable assumptions, not official figures: set
     * them to what the province's bureau uses. The defaults sit in the range of common planning estimates for
     * ships' domestic sewage (about 0.1–0.2 m³ per person per day) and garbage (about 1–2 kg per person per day).
     */
    interface Compliance {
        /** Expected sewage per person on board per day, m³ (assumption, configurable). */
        @WithDefault("0.12")
        java.math.BigDecimal sewageM3PerPersonDay();

        /** Expected garbage per person on board per day, kg (assumption, configurable). */
        @WithDefault("1.5")
        java.math.BigDecimal garbageKgPerPersonDay();

        /** A stream is flagged when the call handed over less than this share of the expected amount (0–1). */
        @WithDefault("0.5")
        java.math.BigDecimal handoverShare();

        /**
         * The zero-discharge period (since the last handover) is capped at this, as older history is not trusted to be
         * complete.
         */
        @WithDefault("P30D")
        Duration balancePeriodMax();

        /**
         * Connected time up to this much before arrival or after departure counts for the call (meter and port-system
         * clocks differ); coverage never exceeds 100 %.
         */
        @WithDefault("PT15M")
        Duration stayTolerance();

        /** How often calls whose verdicts are missing or predate their recorded departure are recomputed. */
        @WithDefault("5m")
        Duration sweepEvery();

        /**
         * A call marked by a manifest step is recomputed this long after its first mark; further steps meanwhile do
         * not postpone it (one recomputation per call per delay under load).
         */
        @WithDefault("2s")
        Duration debounce();

        /**
         * A call still at berth whose shore-power sessions changed is judged again this long after its first mark, not
         * after {@link #debounce()}: its shore-power duty is pending until the departure, whatever the sessions (a
         * connected meter changes its session every few seconds, and with a thousand ships connected the worker
         * judged a thousand calls every two seconds, to the same verdicts). Recording the departure judges the call at
         * once, and brings its mark forward to the debounce delay.
         */
        @WithDefault("10m")
        Duration atBerthDelay();

        /** How often the marks left by manifest steps are looked for. */
        @WithDefault("1s")
        Duration pendingPoll();

        /**
         * When a vessel's or berth's master data changes, its calls still at berth or departed within this window are
         * judged again with the new data; older verdicts stand as judged (a bureau can still review them).
         */
        @WithDefault("P30D")
        Duration masterDataWindow();
    }

    /** Bureau reports and their exports. */
    Reports report();

    /** Bureau reports. */
    interface Reports {
        /**
         * Most rows a CSV or XLSX export of a list report (overdue, discrepant) carries; JSON lists are paged. The rows
         * of one export are read into memory before the file is written (about 0.5 KB each).
         */
        @WithDefault("100000")
        int exportMaxRows();

        /**
         * How often the changes signings append to the closure read model are folded into its aggregates (reports are
         * exact either way; a longer interval means more delta rows for a report to add up).
         */
        @WithDefault("5s")
        Duration compactEvery();

        /**
         * How often the manifests changed since the last run are brought into the closure read model (off the signing
         * path; a report also does it before it reads, so reports stay exact).
         */
        @WithDefault("1s")
        Duration catchUpEvery();
    }

    /**
     * Factors for the avoided emissions and cost of shore power against the ship's auxiliary diesel generator
     * (quality.md, "Emission and cost factors"). Every key is a national default that {@code provinces.<key>.*}
     * overrides for ports whose {@code province} is that key.
     */
    Emissions emissions();

    /** Emission and cost factors; the same keys under {@code provinces.<key>} override them for one province. */
    interface Emissions {
        /** Auxiliary generator's specific fuel oil consumption, kg of fuel per kWh. */
        @WithDefault("0.215")
        BigDecimal auxSfocKgPerKwh();

        /** CO₂ emitted per kg of marine diesel burnt, kg. */
        @WithDefault("3.206")
        BigDecimal fuelCo2KgPerKg();

        /**
         * Sulphur content of the fuel, percent by mass (SO₂ = fuel × sulphur × 64/32). Default 0.001 % (10 mg/kg): the
         * ultra-low-sulphur diesel inland ships in China must burn; 0.5 for the global cap, 0.1 for an ECA.
         */
        @WithDefault("0.001")
        BigDecimal fuelSulphurPercent();

        /** The auxiliary engines' IMO NOx tier: TIER_I, TIER_II or TIER_III (MARPOL Annex VI Reg. 13 limits). */
        @WithDefault("TIER_II")
        String engineTier();

        /** Rated speed of the auxiliary engines, rpm (the tier's NOx limit depends on it). */
        @WithDefault("1500")
        int engineRpm();

        /** Grid emission factor, kg CO₂ per kWh (China's national average, 2022). */
        @WithDefault("0.5703")
        BigDecimal gridCo2KgPerKwh();

        /** Grid SO₂ per kWh, kg; quality.md gives no figure, so 0 (avoided SO₂ is the generator's). */
        @WithDefault("0")
        BigDecimal gridSo2KgPerKwh();

        /** Grid NOx per kWh, kg; quality.md gives no figure, so 0 (avoided NOx is the generator's). */
        @WithDefault("0")
        BigDecimal gridNoxKgPerKwh();

        /** Price of the generator's fuel, CNY per kg. */
        @WithDefault("8.0")
        BigDecimal fuelPriceCnyPerKg();

        /** Shore-power energy price, CNY per kWh. */
        @WithDefault("0.65")
        BigDecimal tariffEnergyCnyPerKwh();

        /** Shore-power service fee, CNY per kWh. */
        @WithDefault("0.30")
        BigDecimal tariffServiceCnyPerKwh();

        /** Waivers (subsidies, fee reductions) off the shore-power tariff, CNY per kWh. */
        @WithDefault("0")
        BigDecimal tariffWaiverCnyPerKwh();

        /** Overrides per province key (lower-case letters, digits, '-'), e.g. {@code provinces.chongqing.grid-co2-kg-per-kwh}. */
        Map<String, Province> provinces();

        /** One province's overrides; an absent key keeps the national default. */
        interface Province {
            Optional<BigDecimal> auxSfocKgPerKwh();

            Optional<BigDecimal> fuelCo2KgPerKg();

            Optional<BigDecimal> fuelSulphurPercent();

            Optional<String> engineTier();

            Optional<Integer> engineRpm();

            Optional<BigDecimal> gridCo2KgPerKwh();

            Optional<BigDecimal> gridSo2KgPerKwh();

            Optional<BigDecimal> gridNoxKgPerKwh();

            Optional<BigDecimal> fuelPriceCnyPerKg();

            Optional<BigDecimal> tariffEnergyCnyPerKwh();

            Optional<BigDecimal> tariffServiceCnyPerKwh();

            Optional<BigDecimal> tariffWaiverCnyPerKwh();
        }
    }

    /** Ledger checkpoints. */
    interface Ledger {
        /** How often a signed checkpoint is taken (when entries were appended since the last one). */
        @WithDefault("10m")
        Duration checkpointEvery();

        /**
         * Entries younger than this are left to the next checkpoint, so that no transaction still open (they time
         * out sooner) can add an entry inside a range already checkpointed.
         */
        @WithDefault("5m")
        Duration checkpointMargin();

        /** PEM private key (PKCS#8 RSA) that signs checkpoints; the embedded default uses the local key pair. */
        Optional<String> signingKeyLocation();

        /** PEM public key that verifies checkpoint signatures. */
        Optional<String> verifyKeyLocation();

        /**
         * PEM private keys (PKCS#8 RSA) that signed checkpoints and authenticated entries before the current one, after
         * a rotation, oldest first: checkpoints and entries are checked with the key whose id they carry, up to the
         * key's end (see {@link #rotationGrace()}).
         */
        Optional<List<String>> retiredSigningKeyLocations();

        /**
         * How long after a newer key signed its first checkpoint a retired key may still be used (every instance
         * taking the newer key meanwhile): the first checkpoint the newer keys sign after it ends the retired key's
         * use; later entries and checkpoints that name it are broken links ({@code shoreloop.ledger.rotation-grace}).
         */
        @WithDefault("1h")
        Duration rotationGrace();
    }

    /** Manifest rules. */
    interface Manifests {
        /** Deviation between two stages, in percent of the earlier quantity, above which a discrepancy opens. */
        @WithDefault("10")
        java.math.BigDecimal tolerancePercent();

        /** Receipt must be confirmed within this time after declaration. */
        @WithDefault("PT2H")
        Duration receiptDeadline();

        /** Pickup must happen within this time after receipt. */
        @WithDefault("PT72H")
        Duration pickupDeadline();

        /** Disposal must be confirmed within this time after receipt. */
        @WithDefault("P30D")
        Duration disposalDeadline();

        /** A discrepancy must be resolved within this time. */
        @WithDefault("P15D")
        Duration discrepancyDeadline();

        /** Sewage's own tolerance and deadlines, where they differ ({@code SHORELOOP_MANIFEST_SEWAGE_…}). */
        StreamRules sewage();

        /** Oily water's own tolerance and deadlines ({@code SHORELOOP_MANIFEST_OILY_WATER_…}). */
        @WithName("oily-water")
        StreamRules oilyWater();

        /** Tank-washing water's own tolerance and deadlines ({@code SHORELOOP_MANIFEST_TANK_WASHING_…}). */
        @WithName("tank-washing")
        StreamRules tankWashing();

        /** Garbage's own tolerance and deadlines ({@code SHORELOOP_MANIFEST_GARBAGE_…}). */
        StreamRules garbage();
    }

    /** A pollutant stream's own manifest rules; each one absent takes the general rule of {@link Manifests}. */
    interface StreamRules {
        Optional<java.math.BigDecimal> tolerancePercent();

        Optional<Duration> receiptDeadline();

        Optional<Duration> pickupDeadline();

        Optional<Duration> disposalDeadline();
    }

    /** Whether gone instances' broker sessions are adopted (see {@link Mqtt#adoptSessions()}). */
    enum AdoptSessions {
        AUTO,
        ALWAYS,
        NEVER
    }

    /** MQTT broker connection. */
    interface Mqtt {
        /** Broker host ({@code SHORELOOP_MQTT_HOST}); set by the launcher when the broker is embedded. */
        @WithDefault("127.0.0.1")
        String host();

        /** Broker port ({@code SHORELOOP_MQTT_PORT}). */
        @WithDefault("1883")
        int port();

        /** User name for the broker ({@code SHORELOOP_MQTT_USERNAME}). */
        Optional<String> username();

        /** Password for the broker ({@code SHORELOOP_MQTT_PASSWORD}); from the environment only. */
        Optional<String> password();

        /** Connect with TLS ({@code SHORELOOP_MQTT_TLS}). */
        @WithDefault("false")
        boolean tls();

        /**
         * MQTT protocol version ({@code SHORELOOP_MQTT_PROTOCOL}): {@code auto} (MQTT 5, falling back to 3.1.1 when
         * the broker refuses 5), {@code 5} or {@code 3.1.1}.
         */
        @WithDefault("auto")
        String protocol();

        /** Readiness fails when the broker cannot be reached within this time. */
        @WithDefault("3s")
        Duration readinessTimeout();

        /** Subscribe to meter readings at start-up ({@code SHORELOOP_MQTT_INGEST}); off: this instance only serves. */
        @WithDefault("true")
        boolean ingest();

        /** Stable MQTT client id of this instance: its persistent session on the broker (one per instance). */
        @WithDefault("shoreloop-ingest-1")
        String clientId();

        /**
         * Subscribe to readings through a shared subscription ({@code SHORELOOP_MQTT_SHARED}), so that several
         * instances split the load. Off: a plain subscription, for a single instance on a broker that loses shared
         * subscriptions of offline sessions when it restarts (Mosquitto 2.0.11 does).
         */
        @WithDefault("true")
        boolean shared();

        /** Shared-subscription group that Shoreloop instances split the reading topics in. */
        @WithDefault("shoreloop")
        String sharedGroup();

        /** How long the broker keeps this instance's session (and queues its QoS 1 messages) while disconnected. */
        @WithDefault("P7D")
        Duration sessionExpiry();

        /**
         * Most unacknowledged QoS 1 messages the broker may have in flight to this instance (MQTT 5 receive maximum).
         * The default is the protocol's maximum: Mosquitto 2.0 was seen sending more than a smaller value, which the
         * client answers by disconnecting.
         */
        @WithDefault("65535")
        int receiveMaximum();

        /**
         * Whether the acknowledgements of a committed batch leave in a few writes (Netty's flush consolidation in the
         * connection's pipeline) rather than one write per message.
         */
        @WithDefault("true")
        boolean consolidateFlushes();

        /**
         * Messages received but not yet stored and acknowledged (queued for the writers or in the batches being
         * written) above which this instance stops reading from the broker until half of them are done: the broker
         * keeps the rest in the session. Without it a session's backlog (after an outage, or a burst) sits in memory
         * as far as the broker sends it (Mosquitto 2.0 was seen sending more than the receive maximum). In the live
         * benchmark, with up to 40,000 messages not yet stored (its lead), young collections kept 150-250 MB alive
         * (40 MB after a full collection), which G1 then promoted and marked: 30 marking cycles in a run, 8 with this bound.
         * It also bounds the batches: a writer's batch is what waited for it while it wrote the one before (each writer
         * gets about half), and with many meters each reporting once in that time a batch writes one session row and
         * one state row per reading; with 5,000 meters 10,000 gave batches of about one reading per meter and 30,000
         * several, and PostgreSQL's CPU per reading fell by half ({@code bench/ingest --meters 5000}; README, "Batches
         * large enough to share a meter's rows").
         */
        @WithDefault("30000")
        int maxPendingMessages();

        /** The same bound in readings (a backfill array carries up to 10,000 per message). */
        @WithDefault("100000")
        int maxPendingReadings();

        /**
         * The same bound in payload bytes: the client holds each message's payload until it is acknowledged, and a
         * message may be up to {@link #maxPayloadBytes} (or, dead-lettered as too large, what the broker sent), so the
         * bounds in messages and readings alone let a few meters publishing large payloads (a valid reading padded
         * with spaces counts as one) fill the heap. Typical messages (a reading in ~200 bytes, arrays of 500 in ~50 KB)
         * reach the other bounds long before this one.
         */
        @WithDefault("67108864")
        long maxPendingBytes();

        /**
         * Longest pause of reading from the broker: then it reads again even if the writers are still behind, so that
         * the broker's answers to the connection's keep-alive pings get through while the database is away.
         */
        @WithDefault("5s")
        Duration maxReadPause();

        /**
         * At a graceful stop, the longest wait for the writers to store and acknowledge what was received (reading from
         * the broker stops first). What is left then stays unacknowledged in the broker session, which sends it again
         * at the next connection with this client id (or, once the session ended, to another member of the shared
         * subscription).
         */
        @WithDefault("10s")
        Duration drainTimeout();

        /**
         * How often an ingesting instance records in the database that it is alive (table {@code ingest_instance},
         * by its client id), and looks for instances gone silent.
         */
        @WithDefault("30s")
        Duration heartbeat();

        /**
         * An instance not seen alive for this long is taken for gone (a scale-down, a renamed pod): a live instance
         * adopts its broker session, stores what it holds and ends it. Mosquitto hands a shared subscription's
         * messages round robin to every member with a session, connected or not, so without this a removed instance's
         * session would collect its share of every meter's readings until the session expired (and then drop them).
         * {@code 0} never adopts.
         */
        @WithDefault("15m")
        Duration retireAfter();

        /**
         * Whether a gone instance's session is adopted: {@code auto} only on a broker that queues a shared
         * subscription's messages for members that are away (Mosquitto, which it announces in {@code
         * $SYS/broker/version}); elsewhere (HiveMQ, which queues nothing for them) the gone instance is only recorded as
         * retired and its session left to expire: HiveMQ CE 2025.5, measured, stops delivering a shared group's
         * messages to its other members for good when a member's session is removed (unsubscribed or ended) while a
         * message is in flight to it. {@code always} or {@code never} decide without asking.
         */
        @WithDefault("auto")
        AdoptSessions adoptSessions();

        /** An adopted session counts as emptied once nothing came from it for this long and everything is stored. */
        @WithDefault("5s")
        Duration retireQuiet();

        /**
         * Longest adoption: then the adopter leaves the session as it is (what it did not store is sent again to
         * whoever resumes it) and another instance may try after twice this time.
         */
        @WithDefault("10m")
        Duration retireTimeout();

        /**
         * Dead letters are kept this long after they were received, replayed or not (time enough to mend a cause and
         * replay them; a meter that sends garbage for good would otherwise fill the table), then deleted.
         */
        @WithDefault("P90D")
        Duration deadLetterRetention();

        /**
         * Writer threads, each with a queue and a database connection of its own; a meter's messages always go to the
         * same writer (by its code), so its readings are stored in the order they arrived. With two, one writer's
         * statements run in PostgreSQL while the other builds its batch.
         */
        @WithDefault("2")
        int writers();

        /**
         * A batch is written when it holds this many messages (under load it takes what waits, up to this; see
         * {@link #maxPendingMessages()})...
         */
        @WithDefault("20000")
        int batchMessages();

        /** ...or this many readings (backfill arrays carry many per message)... */
        @WithDefault("20000")
        int batchReadings();

        /**
         * ...or this long after its first message arrived (300 ms since 2026-12-07, 50 ms before: under load a batch
         * then kept gathering long enough to share each meter's rows among several readings)...
         */
        @WithDefault("300ms")
        Duration flushInterval();

        /**
         * ...or when no further message arrived for this long; a batch of many messages waits up to ten times longer
         * (2 µs a message: 2 ms up to 1,000, 20 ms from 10,000; see {@code MqttIngest.gather}).
         */
        @WithDefault("2ms")
        Duration flushIdle();

        /** A reading timestamped further than this ahead of the server clock is a dead letter (contract: 5 min). */
        @WithDefault("5m")
        Duration futureTolerance();

        /**
         * A reading timestamped further back than this is a dead letter ({@code stale-timestamp}; 0: no limit). The
         * contract's late readings are a backfill after an outage of hours; a meter whose clock fell back to 2000 would
         * otherwise have its whole history read again for each such reading, slowing every meter of its writer.
         */
        @WithDefault("P30D")
        Duration maxReadingAge();

        /**
         * The largest payload read (bytes; a backfill array of 10,000 readings is about 2 MB): a larger one is a dead
         * letter ({@code payload-too-large}) holding its first 64 KiB. MQTT 5 connections also ask the broker for
         * packets of at most eight times this, which it then does not send at all (the broker logs it).
         */
        @WithDefault("8388608")
        int maxPayloadBytes();

        /** First delay before retrying a batch the database refused; doubles up to {@link #retryMaxDelay()}. */
        @WithDefault("200ms")
        Duration retryDelay();

        /** Longest delay between retries of a batch (and between reconnects to the broker). */
        @WithDefault("10s")
        Duration retryMaxDelay();
    }

    /** Shore-power accounting and matching. */
    ShorePower shorepower();

    /** Shore-power accounting and matching. */
    interface ShorePower {
        /** How far a session may begin before a call's arrival or end after its departure and still match it. */
        @WithDefault("30m")
        Duration matchTolerance();

        /** A meter silent (no message received) for longer than this many reporting intervals is offline. */
        @WithDefault("3")
        int silenceFactor();

        /** How often meter silence is checked ({@code shoreloop.shorepower.liveness-every}). */
        @WithDefault("10s")
        Duration livenessEvery();

        /**
         * An open session is interrupted for its meter's silence only once this instance has been listening (its
         * subscriptions acknowledged, its connection not lost since) this long (default: the silence timeout, 30 min),
         * so that Shoreloop's own outage is not taken for the meters' silence while the broker still delivers what it
         * kept for Shoreloop ({@code shoreloop.shorepower.interrupt-after-start}).
         */
        @WithDefault("30m")
        Duration interruptAfterStart();

        /** How often sessions are matched again whose berth's calls changed ({@code shoreloop.shorepower.rematch-every}). */
        @WithDefault("1m")
        Duration rematchEvery();

        /**
         * A meter's timeline kept between batches holds at most this many readings: beyond it, it forgets the older half
         * (up to a checkpoint of its session state, kept every quarter of this many readings, so a session of any
         * length costs the same); a late reading older than what it kept, or a timeline that cannot be trimmed, is
         * reloaded from the meter's resume cursor. 64 readings are 16 minutes of a meter reporting every 15 s (a trim
         * keeps 32–48). Every reading kept is a handful of objects that live until the trim: with 512 (two hours),
         * the garbage collector copied and marked them and took up to a third of the application's CPU in the live
         * benchmark; with 64, the application's CPU per live reading fell by about a sixth (alternated runs).
         */
        @WithDefault("64")
        int timelineCacheReadings();

        /**
         * Readings all kept timelines hold together, at most (about 190 bytes each, measured), and never more than 15 %
         * of the JVM's maximum heap allows (~472,000 readings in the 768 MiB container of {@code k8s/}, whose heap is
         * 75 % of it); the least recently used meters' timelines are dropped beyond it and reloaded from their resume
         * cursor when they report again.
         */
        @WithDefault("1000000")
        int timelineCacheTotalReadings();
    }

    /** Token settings. */
    interface Identity {
        /** Issuer of the tokens Shoreloop mints in the embedded default; must equal {@code mp.jwt.verify.issuer}. */
        @WithDefault("https://shoreloop.local/embedded")
        String issuer();

        /** Lifetime of minted demo tokens. */
        @WithDefault("P30D")
        Duration demoTokenLifetime();

        /**
         * Token subject ({@code sub} at the OIDC provider) of the first administrator: at start-up, when no active
         * administrator exists, one is created with this subject; once one exists the key does nothing
         * ({@code SHORELOOP_IDENTITY_BOOTSTRAP_ADMIN}).
         */
        java.util.Optional<String> bootstrapAdmin();
    }

    /** Idempotency keys. */
    interface Idempotency {
        /**
         * A key is kept this long with its first answer (a retry within it is answered from the key; after it, the
         * same key is a new request). Long enough for a device that queued its requests through days without a
         * connection, short enough that the table holds days, not years, of answers.
         */
        @WithDefault("P7D")
        Duration retention();

        /** How often expired keys are deleted. */
        @WithDefault("1h")
        Duration purgeEvery();
    }

    /** Paging. */
    interface Paging {
        /** Page size when the client asks for none. */
        @WithDefault("50")
        int defaultSize();

        /** Largest page size a client may ask for. */
        @WithDefault("500")
        int maxSize();
    }
}
