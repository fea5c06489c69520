package io.shoreloop.ledger;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * {@code /verify/manifests/{id}?hash=…}: the public page a copy of record's QR code opens. It answers, in Chinese and
 * English and without a token, whether a document carrying that hash matches the ledger. The id is taken as text, so
 * that a malformed id gets the same answer as an unknown one.
 */
@Path("/verify/manifests/{id}")
@PermitAll
@Tag(name = "Ledger")
public class VerificationResource {

    private final CopyOfRecordService records;

    public VerificationResource(CopyOfRecordService records) {
        this.records = records;
    }

    @GET
    @Produces("text/html;charset=UTF-8")
    public Response page(@RestPath String id, @RestQuery String hash) {
        return Response.ok(VerificationPage.html(records.verify(id, hash)))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Robots-Tag", "noindex")
                .build();
    }
}
