package io.shoreloop.demo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.shoreloop.identity.AppUser;
import io.shoreloop.identity.TokenMinter;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Demo mode ({@code SHORELOOP_DEMO=true}): loads the demo port (once, on the first start of a data directory) and
 * prints where to click and a bearer token for each demo user. Refused in the prod profile: a production deployment
 * never has demo users or minted tokens.
 */
@ApplicationScoped
public class DemoMode {

    private static final Logger LOG = Logger.getLogger(DemoMode.class);
    static final String SCRIPT = "demo/demo-data.sql";
    static final String MARKER_PORT = "CQ-GY";

    private final ShoreloopConfig config;
    private final EntityManager em;
    private final TokenMinter minter;
    private final DemoHistory history;
    private final DemoReadings readings;
    private final Clock clock;

    public DemoMode(
            ShoreloopConfig config,
            EntityManager em,
            TokenMinter minter,
            DemoHistory history,
            DemoReadings readings,
            Clock clock) {
        this.config = config;
        this.em = em;
        this.minter = minter;
        this.history = history;
        this.readings = readings;
        this.clock = clock;
    }

    /** Whether demo mode is on (and allowed). */
    public boolean enabled() {
        return config.demo();
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        if (!config.demo()) {
            return;
        }
        List<String> profiles = ConfigUtils.getProfiles();
        if (LaunchMode.current() == LaunchMode.NORMAL && !profiles.isEmpty() && "prod".equals(profiles.get(0))) {
            throw new IllegalStateException("SHORELOOP_DEMO=true is refused in the prod profile: demo users and demo"
                    + " tokens never exist in production (use the demo profile: -Dquarkus.profile=demo)");
        }
        load();
        printBanner();
    }

    /**
     * Loads the demo data and its manifest history, in one transaction, unless it is there already; then the meters'
     * readings, through the shore-power store as ingestion stores them.
     */
    void load() {
        boolean loaded = QuarkusTransaction.requiringNew().call(() -> {
            boolean present = !em.createNativeQuery("select 1 from port where code = ?1")
                    .setParameter(1, MARKER_PORT)
                    .getResultList()
                    .isEmpty();
            if (present) {
                return false;
            }
            em.unwrap(Session.class).doWork(connection -> {
                try (Statement st = connection.createStatement()) {
                    st.execute(script());
                }
            });
            history.record(clock.instant());
            return true;
        });
        if (loaded) {
            readings.record();
            LOG.info("Demo data loaded (Chongqing: Guoyuan, Chaotianmen, Changshou; all companies and ships invented)");
        }
    }

    private static String script() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The demo users with a token each. */
    @Transactional
    public List<DemoTokensResource.DemoUser> users() {
        return AppUser.demoUsers().stream().map(this::withToken).toList();
    }

    /**
     * Any active user (one an administrator created too) with a token, as the organisation's identity provider would
     * issue it in production.
     */
    @Transactional
    public java.util.Optional<DemoTokensResource.DemoUser> user(String subject) {
        return AppUser.bySubject(subject).filter(u -> u.active).map(this::withToken);
    }

    private DemoTokensResource.DemoUser withToken(AppUser u) {
        return new DemoTokensResource.DemoUser(u.subject, u.displayName, u.role.claim(), u.partyId, minter.mint(u));
    }

    private void printBanner() {
        int port = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.port", Integer.class)
                .orElse(8080);
        if (LaunchMode.current() == LaunchMode.TEST) {
            return;
        }
        String base = "http://localhost:" + port;
        StringBuilder out = new StringBuilder();
        out.append("\n================================================================================\n");
        out.append(" Shoreloop is running (demo mode: invented companies and ships, Chongqing ports)\n");
        config.infraSummary()
                .ifPresent(
                        s -> s.lines().forEach(l -> out.append("   ").append(l).append('\n')));
        out.append(" API docs (Swagger UI): ").append(base).append("/q/swagger-ui\n");
        out.append(" OpenAPI document:      ").append(base).append("/q/openapi\n");
        out.append(" Health:                ").append(base).append("/q/health/ready\n");
        out.append(" Demo tokens as JSON:   curl -s ").append(base).append("/api/v1/demo/tokens\n");
        out.append(" Try:  curl -s -H \"Authorization: Bearer $TOKEN\" ")
                .append(base)
                .append("/api/v1/vessels\n");
        out.append("--------------------------------------------------------------------------------\n");
        out.append(" Demo users (role, user, party) and their bearer tokens:\n");
        for (DemoTokensResource.DemoUser u : users()) {
            out.append("\n ")
                    .append(u.role())
                    .append("  ")
                    .append(u.subject())
                    .append("  ")
                    .append(u.name())
                    .append('\n');
            out.append(" TOKEN=").append(u.token()).append('\n');
        }
        out.append("================================================================================\n");
        System.out.println(out);
    }
}
