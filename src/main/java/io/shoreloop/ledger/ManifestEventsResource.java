package io.shoreloop.ledger;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.manifest.ManifestService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** {@code /api/v1/manifests/{id}/events}: a manifest's hash-chained history, verified, for whoever may see it. */
@Path("/api/v1/manifests/{id}/events")
@Authenticated
@Tag(name = "Ledger")
public class ManifestEventsResource {

    /** One entry of a manifest's chain: its canonical payload, the previous entry's hash and its own. */
    public record EventView(int seq, String type, Instant recordedAt, String payload, String prevHash, String hash) {}

    /** A manifest's history and whether its chain verifies against the manifest. */
    public record History(
            UUID manifestId, boolean verified, LedgerVerifier.BrokenLink brokenLink, List<EventView> events) {}

    private final Ledger ledger;
    private final LedgerVerifier verifier;
    private final ManifestService manifests;
    private final CurrentActor actor;

    public ManifestEventsResource(
            Ledger ledger, LedgerVerifier verifier, ManifestService manifests, CurrentActor actor) {
        this.ledger = ledger;
        this.verifier = verifier;
        this.manifests = manifests;
        this.actor = actor;
    }

    @GET
    public History events(@RestPath UUID id) {
        manifests.requireVisible(actor.get(), id);
        LedgerVerifier.Report report = verifier.verifyOne(id);
        List<EventView> events = ledger.entries(id).stream()
                .map(e -> new EventView(e.seq(), e.type(), e.recordedAt(), e.payload(), e.prevHash(), e.hash()))
                .toList();
        return new History(id, report.intact(), report.firstBrokenLink(), events);
    }
}
