package io.shoreloop.manifest;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Responses;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.idempotency.Idempotent;
import io.shoreloop.registry.Stream;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code /api/v1/manifests}: closed-loop e-manifests (电子联单). Each action is one signed step by the party that
 * takes the batch over; {@code If-Match} is optional on actions (when sent, a stale one is 412).
 */
@Path("/api/v1/manifests")
@Authenticated
@Tag(name = "Manifests")
public class ManifestResource {

    static final String PATH = "/api/v1/manifests";

    private final ManifestService manifests;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public ManifestResource(ManifestService manifests, CurrentActor actor, ShoreloopConfig config) {
        this.manifests = manifests;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<ManifestViews.ManifestSummary> list(
            @QueryParam("state") ManifestState state,
            @QueryParam("stream") Stream stream,
            @QueryParam("vesselId") UUID vesselId,
            @QueryParam("facilityId") UUID facilityId,
            @QueryParam("portId") UUID portId,
            @QueryParam("callId") UUID callId,
            @QueryParam("overdue") Boolean overdue,
            @QueryParam("discrepant") Boolean discrepant,
            @QueryParam("from") Instant from,
            @QueryParam("to") Instant to,
            @BeanParam Paging.Params paging) {
        return manifests.list(
                actor.get(),
                new ManifestViews.ManifestFilter(
                        state, stream, vesselId, facilityId, portId, callId, overdue, discrepant, from, to),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<ManifestViews.ManifestView> get(@RestPath UUID id) {
        return ok(manifests.get(actor.get(), id));
    }

    @POST
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> create(@Valid @NotNull ManifestViews.DraftInput body) {
        ManifestViews.ManifestView view = manifests.create(actor, body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @POST
    @Path("{id}/declare")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> declare(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid ManifestViews.DeclareInput body) {
        return ok(manifests.declare(
                actor, id, version(ifMatch), body == null ? new ManifestViews.DeclareInput(null, null, null) : body));
    }

    @POST
    @Path("{id}/receive")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> receive(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.HandoverInput body) {
        return ok(manifests.receive(actor, id, version(ifMatch), body));
    }

    @POST
    @Path("{id}/pickup")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> pickup(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.HandoverInput body) {
        return ok(manifests.pickUp(actor, id, version(ifMatch), body));
    }

    @POST
    @Path("{id}/dispose")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> dispose(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.HandoverInput body) {
        return ok(manifests.dispose(actor, id, version(ifMatch), body));
    }

    @POST
    @Path("{id}/refuse")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> refuse(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.RefuseInput body) {
        return ok(manifests.refuse(actor, id, version(ifMatch), body));
    }

    @POST
    @Path("{id}/cancel")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> cancel(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.CancelInput body) {
        return ok(manifests.cancel(actor, id, version(ifMatch), body));
    }

    @GET
    @Path("discrepancies")
    public Paging.Page<ManifestViews.OpenDiscrepancy> openDiscrepancies(@BeanParam Paging.Params paging) {
        return manifests.openDiscrepancies(actor.get(), paging.resolve(config.paging()));
    }

    @POST
    @Path("{id}/discrepancies/{discrepancyId}/explain")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> explain(
            @RestPath UUID id,
            @RestPath UUID discrepancyId,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.ExplanationInput body) {
        return ok(manifests.explainDiscrepancy(actor.get(), id, version(ifMatch), discrepancyId, body));
    }

    @POST
    @Path("{id}/discrepancies/{discrepancyId}/close")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> close(
            @RestPath UUID id,
            @RestPath UUID discrepancyId,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.ExplanationInput body) {
        return ok(manifests.closeDiscrepancy(actor.get(), id, version(ifMatch), discrepancyId, body));
    }

    @POST
    @Path("{id}/correct")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> correct(
            @RestPath UUID id,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.CorrectionInput body) {
        return ok(manifests.proposeCorrection(actor.get(), id, version(ifMatch), body));
    }

    @POST
    @Path("{id}/corrections/{correctionId}/approve")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> approveCorrection(
            @RestPath UUID id, @RestPath UUID correctionId, @HeaderParam("If-Match") String ifMatch) {
        return ok(manifests.approveCorrection(actor.get(), id, version(ifMatch), correctionId));
    }

    @POST
    @Path("{id}/corrections/{correctionId}/reject")
    @Idempotent
    public RestResponse<ManifestViews.ManifestView> rejectCorrection(
            @RestPath UUID id,
            @RestPath UUID correctionId,
            @HeaderParam("If-Match") String ifMatch,
            @Valid @NotNull ManifestViews.ExplanationInput body) {
        return ok(manifests.rejectCorrection(actor.get(), id, version(ifMatch), correctionId, body));
    }

    @POST
    @Path("{id}/evidence")
    @Consumes(MediaType.WILDCARD)
    @Idempotent
    public RestResponse<ManifestViews.EvidenceView> uploadEvidence(
            @RestPath UUID id,
            @HeaderParam("Content-Type") String contentType,
            @QueryParam("filename") @jakarta.validation.constraints.Size(max = 200) String filename,
            @QueryParam("lat")
                    @jakarta.validation.constraints.DecimalMin("-90")
                    @jakarta.validation.constraints.DecimalMax("90")
                    java.math.BigDecimal latitude,
            @QueryParam("lon")
                    @jakarta.validation.constraints.DecimalMin("-180")
                    @jakarta.validation.constraints.DecimalMax("180")
                    java.math.BigDecimal longitude,
            @QueryParam("note") @jakarta.validation.constraints.Size(max = 2000) String note,
            byte[] body) {
        ManifestViews.EvidenceView view = manifests.uploadEvidence(
                actor.get(),
                id,
                new ManifestViews.EvidenceUpload(body, contentType, filename, latitude, longitude, note));
        return RestResponse.ResponseBuilder.<ManifestViews.EvidenceView>created(
                        java.net.URI.create(PATH + "/" + id + "/evidence/" + view.id() + "/content"))
                .entity(view)
                .build();
    }

    @GET
    @Path("{id}/evidence")
    public java.util.List<ManifestViews.EvidenceView> evidence(@RestPath UUID id) {
        return manifests.evidence(actor.get(), id);
    }

    @GET
    @Path("{id}/evidence/{evidenceId}/content")
    @Produces(MediaType.WILDCARD)
    public jakarta.ws.rs.core.Response evidenceContent(@RestPath UUID id, @RestPath UUID evidenceId) {
        Evidence e = manifests.evidenceContent(actor.get(), id, evidenceId);
        return jakarta.ws.rs.core.Response.ok(e.content, e.contentType)
                .header(
                        "Digest",
                        "sha-256="
                                + java.util.Base64.getEncoder()
                                        .encodeToString(java.util.HexFormat.of().parseHex(e.sha256)))
                .header("X-Content-SHA256", e.sha256)
                .build();
    }

    private static Long version(String ifMatch) {
        return ifMatch == null || ifMatch.isBlank() ? null : Versions.expected(ifMatch);
    }

    private static RestResponse<ManifestViews.ManifestView> ok(ManifestViews.ManifestView view) {
        return Responses.ok(view, view.version());
    }
}
