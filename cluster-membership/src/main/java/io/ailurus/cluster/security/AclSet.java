package io.ailurus.cluster.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * The cluster's ACLs as the controller state machine holds them, in the order they were created so that every member
 * (and a member restored from a snapshot) lists them alike. Not thread-safe: one owner applies changes; readers get
 * copies, or an {@link AclAuthorizer} built from {@link #entries()}.
 */
public final class AclSet {

    private final Set<AclEntry> entries = new LinkedHashSet<>();

    public AclSet() {
    }

    public AclSet(final Collection<AclEntry> entries) {
        this.entries.addAll(entries);
    }

    /** Adds the entries not present yet, and returns those: creating an existing ACL again changes nothing. */
    public List<AclEntry> add(final Collection<AclEntry> acls) {
        final List<AclEntry> added = new ArrayList<>();
        for (final AclEntry acl : acls) {
            if (entries.add(acl)) {
                added.add(acl);
            }
        }
        return added;
    }

    /** Removes and returns the entries the filter matches, with Kafka's DeleteAcls matching (MATCH, ANY, nulls). */
    public List<AclEntry> delete(final AclBindingFilter filter) {
        final List<AclEntry> removed = new ArrayList<>();
        for (final Iterator<AclEntry> it = entries.iterator(); it.hasNext(); ) {
            final AclEntry acl = it.next();
            if (filter.matches(acl.toBinding())) {
                it.remove();
                removed.add(acl);
            }
        }
        return removed;
    }

    /** Removes these exact entries (a DeleteAcls the broker resolved); returns how many were present. */
    public int remove(final Collection<AclEntry> acls) {
        int removed = 0;
        for (final AclEntry acl : acls) {
            if (entries.remove(acl)) {
                removed++;
            }
        }
        return removed;
    }

    public List<AclEntry> describe(final AclBindingFilter filter) {
        final List<AclEntry> matching = new ArrayList<>();
        for (final AclEntry acl : entries) {
            if (filter.matches(acl.toBinding())) {
                matching.add(acl);
            }
        }
        return matching;
    }

    public List<AclEntry> entries() {
        return List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }
}
