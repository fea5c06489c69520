package io.shoreloop.manifest;

import io.shoreloop.registry.Activity;
import io.shoreloop.registry.Stream;
import java.util.UUID;

/** What the manifest needs to know about facilities: whether one is licensed for an activity on a stream. */
@FunctionalInterface
public interface Licences {
    boolean licensed(UUID facilityId, Activity activity, Stream stream);
}
