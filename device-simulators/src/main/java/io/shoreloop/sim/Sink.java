package io.shoreloop.sim;

/** Where the actions of a simulation go: a broker, a file, or both. */
public interface Sink extends AutoCloseable {

    void perform(Outgoing action) throws Exception;

    /** Waits until everything performed so far is acknowledged. */
    default void flush() throws Exception {}

    @Override
    default void close() throws Exception {}

    /** Several sinks in turn. */
    static Sink all(java.util.List<Sink> sinks) {
        return new Sink() {
            @Override
            public void perform(Outgoing action) throws Exception {
                for (Sink s : sinks) {
                    s.perform(action);
                }
            }

            @Override
            public void flush() throws Exception {
                for (Sink s : sinks) {
                    s.flush();
                }
            }

            @Override
            public void close() throws Exception {
                Exception first = null;
                for (Sink s : sinks) {
                    try {
                        s.close();
                    } catch (Exception e) {
                        if (first == null) {
                            first = e;
                        }
                    }
                }
                if (first != null) {
                    throw first;
                }
            }
        };
    }
}
