package io.shoreloop.platform;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.function.Function;

/** Paging for list endpoints: {@code ?page=0&size=50}; answers carry the items and the total. */
public final class Paging {

    private Paging() {}

    /** Query parameters of a page request. */
    public static class Params {
        @QueryParam("page")
        @DefaultValue("0")
        public int page;

        @QueryParam("size")
        @DefaultValue("0")
        public int size;

        public Request resolve(ShoreloopConfig.Paging limits) {
            if (page < 0) {
                throw new Problems.InvalidField("invalid-paging", "page", "page must be 0 or more");
            }
            if (size < 0 || size > limits.maxSize()) {
                throw new Problems.InvalidField(
                        "invalid-paging", "size", "size must be between 1 and " + limits.maxSize());
            }
            int resolved = size == 0 ? limits.defaultSize() : size;
            if ((long) page * resolved > Integer.MAX_VALUE) {
                // the offset is an int in Hibernate and in our SQL alike: wrapped, it would be negative (a 500)
                throw new Problems.InvalidField(
                        "invalid-paging", "page", "page × size must be at most " + Integer.MAX_VALUE);
            }
            return new Request(page, resolved);
        }
    }

    /** A resolved page request. */
    public record Request(int page, int size) {
        public int offset() {
            return page * size;
        }
    }

    /** One page of results. */
    public record Page<T>(List<T> items, int page, int size, long total) {}

    /** Runs a Panache query for one page: the total count and the page's rows, each turned into its view. */
    public static <E, R> Page<R> of(
            io.quarkus.hibernate.orm.panache.PanacheQuery<E> query, Request page, Function<E, R> view) {
        long total = query.count();
        List<R> items =
                query.page(page.page(), page.size()).list().stream().map(view).toList();
        return new Page<>(items, page.page(), page.size(), total);
    }
}
