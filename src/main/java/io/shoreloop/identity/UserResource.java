package io.shoreloop.identity;

import io.quarkus.security.Authenticated;
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

/**
 * {@code /api/v1/users}: user accounts (subject from the identity provider, role, party), kept by administrators;
 * {@code /api/v1/users/me} answers every user their own account.
 */
@Path("/api/v1/users")
@Authenticated
@Tag(name = "Parties and users")
public class UserResource {

    static final String PATH = "/api/v1/users";

    private final UserService service;
    private final CurrentActor actor;
    private final ShoreloopConfig config;

    public UserResource(UserService service, CurrentActor actor, ShoreloopConfig config) {
        this.service = service;
        this.actor = actor;
        this.config = config;
    }

    /** Administrators see every user; anyone else an empty list. */
    @GET
    public Paging.Page<UserService.UserView> list(
            @QueryParam("subject") String subject,
            @QueryParam("role") Role role,
            @QueryParam("partyId") UUID partyId,
            @QueryParam("includeInactive") Boolean includeInactive,
            @BeanParam Paging.Params paging) {
        return service.list(
                actor.get(),
                new UserService.UserFilter(subject, role, partyId, includeInactive),
                paging.resolve(config.paging()));
    }

    @GET
    @Path("me")
    public RestResponse<UserService.UserView> me() {
        UserService.UserView view = service.me(actor.get());
        return Responses.ok(view, view.version());
    }

    @GET
    @Path("{id}")
    public RestResponse<UserService.UserView> get(@RestPath UUID id) {
        UserService.UserView view = service.get(actor.get(), id);
        return Responses.ok(view, view.version());
    }

    /** Who changed this account when, from what to what (administrators). */
    @GET
    @Path("{id}/history")
    public java.util.List<AdminAudit.Entry> history(@RestPath UUID id) {
        return service.history(actor.get(), id);
    }

    @POST
    @Idempotent
    public RestResponse<UserService.UserView> create(@Valid @NotNull UserService.UserInput body) {
        UserService.UserView view = service.create(actor.get(), body);
        return Responses.created(PATH, view.id(), view, view.version());
    }

    @PUT
    @Path("{id}")
    public RestResponse<UserService.UserView> update(
            @RestPath UUID id, @HeaderParam("If-Match") String ifMatch, @Valid @NotNull UserService.UserInput body) {
        UserService.UserView view = service.update(actor.get(), id, Versions.expected(ifMatch), body);
        return Responses.ok(view, view.version());
    }

    /** Refused from the user's next request on. */
    @POST
    @Path("{id}/deactivate")
    @Idempotent
    public RestResponse<UserService.UserView> deactivate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        UserService.UserView view = service.setActive(actor.get(), id, Versions.expected(ifMatch), false);
        return Responses.ok(view, view.version());
    }

    @POST
    @Path("{id}/activate")
    @Idempotent
    public RestResponse<UserService.UserView> activate(@RestPath UUID id, @HeaderParam("If-Match") String ifMatch) {
        UserService.UserView view = service.setActive(actor.get(), id, Versions.expected(ifMatch), true);
        return Responses.ok(view, view.version());
    }
}
