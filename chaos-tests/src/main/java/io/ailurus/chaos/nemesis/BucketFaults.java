package io.ailurus.chaos.nemesis;

/** Where the nemesis injects object-store faults (tiered mode): the fault proxy between the nodes and the bucket. */
public interface BucketFaults {

    /** From now on every request to the bucket meets {@code fault}. */
    void inject(Fault.ObjectStore fault);

    /** Every request is forwarded untouched again. */
    void heal();
}
