package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How a writer gathers its batch ({@link MqttIngest#gather}): everything waiting, then what keeps arriving, until the
 * batch is full, the interval is over, or messages stopped coming for the idle time. The intervals are far longer than
 * the writers' defaults so that a slow host cannot move a message across a boundary.
 */
class BatchGatheringTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    /** A batch of at most {@code max} messages. */
    private static class Bounded implements MqttIngest.Gathering<Integer> {
        final List<Integer> messages = new ArrayList<>();
        final int max;

        Bounded(int max) {
            this.max = max;
        }

        @Override
        public void add(Integer message) {
            messages.add(message);
        }

        @Override
        public boolean full() {
            return messages.size() >= max;
        }
    }

    @Test
    void aFullBatchStopsAtItsLimitAndLeavesTheRestQueuedInOrder() throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        IntStream.range(0, 25).forEach(queue::add);
        Bounded batch = new Bounded(10);
        MqttIngest.gather(queue, batch, LONG, LONG);
        assertEquals(IntStream.range(0, 10).boxed().toList(), batch.messages);
        assertEquals(IntStream.range(10, 25).boxed().toList(), new ArrayList<>(queue));
    }

    @Test
    void messagesThatKeepComingWithinTheIdleTimeJoinTheBatchAndOneAfterAPauseDoesNot() throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        Bounded batch = new Bounded(1000);
        CountDownLatch gathered = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                // idle: 1 s without a message ends the batch; the producer pauses 50 ms between messages, 3 s in all
                MqttIngest.gather(queue, batch, LONG, Duration.ofSeconds(1));
            } catch (Throwable t) {
                failure.set(t);
            }
            gathered.countDown();
        });
        writer.start();
        for (int i = 0; i < 60; i++) {
            queue.add(i);
            Thread.sleep(50);
        }
        // nothing more for far longer than the idle time: the batch ends with what came
        // (well before the interval of 30 s: the idle time ended it)
        assertTrue(gathered.await(10, TimeUnit.SECONDS), "the batch ended once messages stopped");
        queue.add(60);
        writer.join();
        assertEquals(null, failure.get());
        assertEquals(IntStream.range(0, 60).boxed().toList(), batch.messages);
        assertEquals(List.of(60), new ArrayList<>(queue));
    }

    /**
     * The idle time counts from the last message taken, also when taking the ones queued took longer than the idle
     * time itself (a slow batch: here each message takes 250 ms to add, 1.5 s in all, against an idle time of 1 s).
     */
    @Test
    void theIdleTimeCountsFromTheLastMessageTakenNotFromTheStart() throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        IntStream.range(0, 6).forEach(queue::add);
        List<Integer> taken = new ArrayList<>();
        MqttIngest.Gathering<Integer> slow = new MqttIngest.Gathering<>() {
            @Override
            public void add(Integer message) {
                taken.add(message);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (message == 5) {
                    // the next message comes 100 ms after the last one queued was taken: within the idle time
                    Thread late = new Thread(() -> {
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                        queue.add(6);
                    });
                    late.start();
                }
            }

            @Override
            public boolean full() {
                return false;
            }
        };
        MqttIngest.gather(queue, slow, LONG, Duration.ofSeconds(1));
        assertEquals(IntStream.range(0, 7).boxed().toList(), taken);
    }

    /**
     * A large batch waits longer for the next message than a small one: 2 µs a message, from the idle time up to ten
     * times it. Idle 200 ms: 10 messages wait 200 ms, 500,000 wait 1 s; the next message comes 600 ms after the queue
     * ran empty.
     */
    @Test
    void aLargeBatchWaitsLongerForTheNextMessageThanASmallOne() throws Exception {
        assertEquals(10, gatheredWithALateMessage(10), "the small batch ended without the late message");
        assertEquals(500_001, gatheredWithALateMessage(500_000), "the large batch took it");
    }

    /** How many messages a batch gathers of {@code queued} waiting and one more 600 ms after they are taken. */
    private static int gatheredWithALateMessage(int queued) throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        IntStream.range(0, queued).forEach(queue::add);
        Bounded batch = new Bounded(Integer.MAX_VALUE) {
            @Override
            public void add(Integer message) {
                super.add(message);
                if (message == queued - 1) {
                    Thread late = new Thread(() -> {
                        try {
                            Thread.sleep(600);
                        } catch (InterruptedException e) {
                            return;
                        }
                        queue.add(queued);
                    });
                    late.start();
                }
            }
        };
        MqttIngest.gather(queue, batch, LONG, Duration.ofMillis(200));
        return batch.messages.size();
    }

    @Test
    void theIntervalEndsABatchWhoseMessagesNeverStop() throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        Bounded batch = new Bounded(Integer.MAX_VALUE);
        Thread producer = new Thread(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                queue.add(i);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // messages every 5 ms, idle 30 s: only the interval (300 ms) can end the batch (a writer that ignored it would
        // gather for as long as the messages come, and the test fails instead of waiting for it)
        Thread writer = new Thread(() -> {
            try {
                MqttIngest.gather(queue, batch, Duration.ofMillis(300), LONG);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        producer.start();
        writer.start();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(20));
            assertTrue(!writer.isAlive(), "the interval ended the batch while messages kept coming");
        } finally {
            producer.interrupt();
            producer.join();
        }
        assertEquals(null, failure.get());
        assertTrue(batch.messages.size() > 0);
        // gathered in order, none skipped; what came later is still queued
        assertEquals(IntStream.range(0, batch.messages.size()).boxed().toList(), batch.messages);
        if (!queue.isEmpty()) {
            assertEquals(batch.messages.size(), queue.peek());
        }
    }

    @Test
    void anInterruptedWriterStopsGathering() throws Exception {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                MqttIngest.gather(queue, new Bounded(10), LONG, LONG);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        writer.start();
        writer.interrupt();
        writer.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(!writer.isAlive(), "the writer stopped");
        assertThrows(InterruptedException.class, () -> {
            throw thrown.get();
        });
    }
}
