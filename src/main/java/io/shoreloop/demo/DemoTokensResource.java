package io.shoreloop.demo;

import io.shoreloop.platform.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/demo/tokens}: the demo users with a ready-to-use bearer token each; {@code ?subject=} answers
 * the token of any active user (such as one an administrator created through {@code /api/v1/users}), standing in for
 * the identity provider. Exists only in demo mode; elsewhere it is 404 like any unknown resource.
 */
@Path("/api/v1/demo/tokens")
@Tag(name = "Demo")
public class DemoTokensResource {

    /** A demo user and a token for it. */
    public record DemoUser(String subject, String name, String role, UUID party, String token) {}

    private final DemoMode demo;

    public DemoTokensResource(DemoMode demo) {
        this.demo = demo;
    }

    @GET
    public List<DemoUser> tokens(@QueryParam("subject") String subject) {
        if (!demo.enabled()) {
            throw new Problems.NotFound("Resource");
        }
        if (subject != null) {
            return List.of(demo.user(subject).orElseThrow(() -> new Problems.NotFound("Active user " + subject)));
        }
        return demo.users();
    }
}
