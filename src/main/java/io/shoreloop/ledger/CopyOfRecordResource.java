package io.shoreloop.ledger;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/**
 * {@code /api/v1/manifests/{id}/copy-of-record}: the manifest's copy of record, a bilingual PDF with every signed step
 * and a QR code to its public verification page, for whoever may see the manifest (404 otherwise).
 */
@Path("/api/v1/manifests/{id}/copy-of-record")
@Authenticated
@Tag(name = "Ledger")
public class CopyOfRecordResource {

    private final CopyOfRecordPdf pdfs;
    private final CurrentActor actor;

    public CopyOfRecordResource(CopyOfRecordPdf pdfs, CurrentActor actor) {
        this.pdfs = pdfs;
        this.actor = actor;
    }

    @GET
    @Produces("application/pdf")
    public Response pdf(@RestPath UUID id) {
        CopyOfRecordPdf.Document document = pdfs.forManifest(actor.get(), id);
        return Response.ok(document.bytes())
                .header("Content-Disposition", "inline; filename=\"" + document.fileName() + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .build();
    }
}
