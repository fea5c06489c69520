package io.shoreloop.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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

    /** Manifest rules: reconciliation tolerance and deadlines. */
    Manifests manifest();

    /** Ledger checkpoints. */
    Ledger ledger();

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

        /** Readiness fails when the broker cannot be reached within this time. */
        @WithDefault("3s")
        Duration readinessTimeout();
    }

    /** Token settings. */
    interface Identity {
        /** Issuer of the tokens Shoreloop mints in the embedded default; must equal {@code mp.jwt.verify.issuer}. */
        @WithDefault("https://shoreloop.local/embedded")
        String issuer();

        /** Lifetime of minted demo tokens. */
        @WithDefault("P30D")
        Duration demoTokenLifetime();
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
