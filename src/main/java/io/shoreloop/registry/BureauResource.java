package io.shoreloop.registry;

import io.quarkus.security.Authenticated;
import io.shoreloop.identity.CurrentActor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Responses;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.idempotency.Idempotent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/bureaus}: supervising bureaus and their jurisdictions (the ports their users read inside). Readable by every signed-in user; administrators register and change them. */
@Path("/api/v1/bureaus")
@Authenticated
@Tag(name = "Parties and users")
public class BureauResource {

    static final String PATH = "/api/v1/bureaus";

    private final PartyService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public BureauResource(PartyService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    @GET
    public Paging.Page<PartyService.BureauView> list(
            @QueryParam("code") String code,
            @QueryParam("portId") UUID portId,
            @QueryParam("kind") Bureau.Kind kind,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.listBureaus(
                actor.get(),
                new PartyService.PartyFilter(code, portId, kind, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("{id}")
    public RestResponse<PartyService.BureauView> get(@RestPath UUID id) {
        PartyService.BureauView view = service.getBureau(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    /** Who changed it when, from what to what (administrators). */
    @GET
    @Path("{id}/history")
    public java.util.List<io.shoreloop.identity.AdminAudit.Entry> history(@RestPath UUID id) {
        return service.bureauHistory(actor.get(), id);
    }

    @POST
    @Idempotent
    public RestResponse<PartyService.BureauView> create(@Valid @NotNull PartyService.BureauInput body) {
        PartyService.BureauView view = service.createBureau(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<PartyService.BureauView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull PartyService.BureauInput body) {
        PartyService.BureauView view = service.updateBureau(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    /** Its users are signed out at their next request, until it is activated again. */
    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<PartyService.BureauView> deactivate(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        PartyService.BureauView view = service.setBureauActive(actor.get(), id, Versions.expected(ifMatch), false);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/activate")
    @Idempotent
    public RestResponse<PartyService.BureauView> activate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        PartyService.BureauView view = service.setBureauActive(actor.get(), id, Versions.expected(ifMatch), true);
        return Responses.ok(view, view.version());
    }
}
