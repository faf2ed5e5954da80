package io.ailurus.cluster.metadata;

import io.ailurus.partition.log.Directories;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic table without a controller, kept in {@code <data-dir>/<topic>/topic.properties} beside the topic's partition
 * directories. Nodes use the controller's {@code ReplicatedTopicStore}; this one serves tests of the request handlers
 * (and held the topic table of nodes before the controller existed). Each file is replaced atomically (temp file, fsync, rename, directory fsync); deleting a topic removes
 * its file first, which is the commit point, so partition directories without a topic file are leftovers of an
 * interrupted delete and are removed at startup.
 *
 * <p>Changes run one at a time on a private thread (they do file I/O); lookups read a concurrent map.
 */
public final class LocalTopicStore implements TopicStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalTopicStore.class);
    static final String TOPIC_FILE = "topic.properties";
    /** The largest partition count one topic may have; bounds what a client's request can make us allocate. */
    public static final int MAX_PARTITIONS = TopicRules.MAX_PARTITIONS;

    private final Path dataDir;
    private final ConcurrentHashMap<String, TopicMetadata> byName = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Uuid, TopicMetadata> byId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<TopicListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "ailurus-metadata");
        t.setDaemon(true);
        return t;
    });

    private LocalTopicStore(final Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Loads every topic under {@code dataDir}, removing leftovers of interrupted deletes. */
    public static LocalTopicStore open(final Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        final LocalTopicStore store = new LocalTopicStore(dataDir);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (final Path dir : dirs) {
                final Path file = dir.resolve(TOPIC_FILE);
                if (Files.exists(file)) {
                    final TopicMetadata topic = read(dir.getFileName().toString(), file);
                    store.byName.put(topic.name(), topic);
                    store.byId.put(topic.id(), topic);
                } else if (isTopicName(dir.getFileName().toString())) {
                    LOG.info("Removing {}: a topic directory without {} (an interrupted delete)", dir, TOPIC_FILE);
                    deleteRecursively(dir);
                }
            }
        }
        return store;
    }

    private static boolean isTopicName(final String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Collection<TopicMetadata> topics() {
        return List.copyOf(byName.values());
    }

    @Override
    public Optional<TopicMetadata> topic(final String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Optional<TopicMetadata> topic(final Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public void addListener(final TopicListener listener) {
        listeners.add(listener);
    }

    @Override
    public CompletableFuture<TopicMetadata> create(final String name, final int partitions, final short replicationFactor,
            final Map<String, String> configs, final boolean validateOnly) {
        return change(() -> {
            TopicRules.checkNewName(name, byName.keySet());
            TopicRules.checkPartitionCount(partitions);
            if (replicationFactor != 1) {
                throw new InvalidReplicationFactorException("Replication factor " + replicationFactor
                        + " is larger than the 1 available broker(s)");
            }
            final TopicMetadata topic = new TopicMetadata(name, Uuid.randomUuid(), partitions, replicationFactor,
                    TopicConfigs.validate(configs));
            if (validateOnly) {
                return topic;
            }
            write(topic);
            byName.put(name, topic);
            byId.put(topic.id(), topic);
            LOG.info("Created topic '{}' ({} partition(s), id {}, configs {})", name, partitions, topic.id(), topic.configs());
            listeners.forEach(l -> l.topicChanged(null, topic));
            return topic;
        });
    }

    @Override
    public CompletableFuture<TopicMetadata> delete(final String name) {
        return change(() -> {
            final TopicMetadata topic = existing(name);
            final Path dir = dataDir.resolve(name);
            Files.delete(dir.resolve(TOPIC_FILE));
            Directories.fsync(dir);
            byName.remove(name);
            byId.remove(topic.id());
            LOG.info("Deleted topic '{}'", name);
            listeners.forEach(l -> l.topicDeleted(topic));
            return topic;
        });
    }

    /** Removes what is left of a deleted topic's directory once its partitions have stopped. */
    public CompletableFuture<Void> removeDirectoryOf(final TopicMetadata deleted) {
        return change(() -> {
            if (!byName.containsKey(deleted.name())) {
                deleteRecursively(dataDir.resolve(deleted.name()));
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<TopicMetadata> createPartitions(final String name, final int totalCount, final boolean validateOnly) {
        return change(() -> {
            final TopicMetadata topic = existing(name);
            TopicRules.checkGrowth(topic, totalCount);
            final TopicMetadata grown = topic.withPartitions(totalCount);
            if (validateOnly) {
                return grown;
            }
            write(grown);
            byName.put(name, grown);
            byId.put(grown.id(), grown);
            LOG.info("Topic '{}' now has {} partitions", name, totalCount);
            listeners.forEach(l -> l.topicChanged(topic, grown));
            return grown;
        });
    }

    @Override
    public CompletableFuture<TopicMetadata> updateConfigs(final String name, final UnaryOperator<Map<String, String>> change,
            final boolean validateOnly) {
        return change(() -> {
            final TopicMetadata topic = existing(name);
            final TopicMetadata changed = topic.withConfigs(TopicConfigs.validate(change.apply(topic.configs())));
            if (validateOnly) {
                return changed;
            }
            write(changed);
            byName.put(name, changed);
            byId.put(changed.id(), changed);
            LOG.info("Topic '{}' configs now {}", name, changed.configs());
            listeners.forEach(l -> l.topicChanged(topic, changed));
            return changed;
        });
    }

    private TopicMetadata existing(final String name) {
        final TopicMetadata topic = byName.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    private interface Change<T> {
        T apply() throws IOException;
    }

    private <T> CompletableFuture<T> change(final Change<T> change) {
        final Supplier<T> task = () -> {
            try {
                return change.apply();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return CompletableFuture.supplyAsync(task, writer);
    }

    private void write(final TopicMetadata topic) throws IOException {
        final Path dir = dataDir.resolve(topic.name());
        Files.createDirectories(dir);
        final Properties p = new Properties();
        p.setProperty("id", topic.id().toString());
        p.setProperty("partitions", Integer.toString(topic.partitions()));
        p.setProperty("replication.factor", Short.toString(topic.replicationFactor()));
        for (final Map.Entry<String, String> e : topic.configs().entrySet()) {
            p.setProperty("config." + e.getKey(), e.getValue());
        }
        final Path tmp = dir.resolve(TOPIC_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "ailurus topic");
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(TOPIC_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Directories.fsync(dir);
        Directories.fsync(dataDir);
    }

    private static TopicMetadata read(final String name, final Path file) throws IOException {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        final Map<String, String> configs = new TreeMap<>();
        for (final String key : p.stringPropertyNames()) {
            if (key.startsWith("config.")) {
                configs.put(key.substring("config.".length()), p.getProperty(key));
            }
        }
        return new TopicMetadata(name, Uuid.fromString(p.getProperty("id")), Integer.parseInt(p.getProperty("partitions")),
                Short.parseShort(p.getProperty("replication.factor", "1")), configs);
    }

    private static void deleteRecursively(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
