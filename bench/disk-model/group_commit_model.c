/*
 * A model of acks=all produce on this machine's disk, without the broker: how fast can closed-loop producers go when
 * every request waits for an fsync, and what changes that? See bench/RESULTS.md ("The disk model").
 *
 * CLIENTS producers each loop: think THINK_US (the client's and network's share of a round trip), then send one
 * request of WRITE_KIB to each of PARTITIONS files and wait until all of them are durable. Each partition has a log
 * thread, like a partition actor doing inline group commit: take every request that arrived, write it, make it
 * durable, answer, repeat.
 *
 * runway:  prezeroed  files zero-filled and fsynced before the run (an upper bound: no zeros written while producing)
 *          runway     a thread per file keeps 4 MiB of fsynced zeros ahead of the data, 1 MiB at a time (ailurus)
 *          append     no zeros: each fsync also commits the file's new size and blocks (journal)
 * sync:    each       every log thread fdatasyncs its own file when it likes (ailurus)
 *          rounds     all log threads fsync together; the next round starts when the last of them finished
 *          combined   a log thread writes its pages back (sync_file_range), then one device flush (fdatasync of one
 *                     file) serves every log thread that finished writing before it started
 *
 * Build and run (Linux):  gcc -O2 -pthread group_commit_model.c -o model
 *                         ./model CLIENTS PARTITIONS WRITE_KIB THINK_US runway sync [SECONDS]
 * e.g.  ./model 5 1 16 300 runway each      ./model 5 6 16 1000 prezeroed rounds
 * It writes files model-N.dat in the working directory and removes them at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PARTITIONS 16
#define MIB (1L << 20)
#define PREZEROED_BYTES (512 * MIB)
#define RUNWAY_AHEAD (4 * MIB)

enum runway { PREZEROED, RUNWAY, APPEND };
enum sync { EACH, ROUNDS, COMBINED };

static int clients, partitions, write_bytes, think_us, seconds = 4;
static enum runway runway;
static enum sync sync_mode;
static char *data;
static volatile int stop;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER, answered = PTHREAD_COND_INITIALIZER;
static long requests;  /* requests sent so far, by all clients */

struct partition {
    int fd;
    long written;      /* requests written to this file */
    long durable;      /* requests durable in this file */
    volatile long end; /* bytes of data */
    volatile long zeroed_end;
    long fsyncs;
};
static struct partition parts[MAX_PARTITIONS];

static long all_durable(void) {
    long min = parts[0].durable;
    for (int i = 1; i < partitions; i++) {
        if (parts[i].durable < min) min = parts[i].durable;
    }
    return min;
}

static void *client(void *arg) {
    (void) arg;
    while (!stop) {
        if (think_us) usleep(think_us);
        pthread_mutex_lock(&mu);
        long mine = ++requests;
        pthread_cond_broadcast(&arrived);
        while (all_durable() < mine && !stop) pthread_cond_wait(&answered, &mu);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

/* rounds: a barrier that every log thread passes before its fsync and after it */
static pthread_barrier_t round_start, round_end;

/* combined: flush generations; a caller needs one that started after its pages were written back */
static pthread_mutex_t flush_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flush_done_cv = PTHREAD_COND_INITIALIZER;
static long flushes_started, flushes_done;
static int flushing;

static void combined_flush(int fd) {
    pthread_mutex_lock(&flush_mu);
    long needed = flushes_started + 1;
    while (flushes_done < needed) {
        if (!flushing) {
            flushing = 1;
            long mine = ++flushes_started;
            pthread_mutex_unlock(&flush_mu);
            fdatasync(fd);
            pthread_mutex_lock(&flush_mu);
            flushing = 0;
            flushes_done = mine;
            pthread_cond_broadcast(&flush_done_cv);
        } else {
            pthread_cond_wait(&flush_done_cv, &flush_mu);
        }
    }
    pthread_mutex_unlock(&flush_mu);
}

static void make_durable(struct partition *p) {
    switch (sync_mode) {
    case EACH:
        fdatasync(p->fd);
        break;
    case ROUNDS:
        pthread_barrier_wait(&round_start);
        fdatasync(p->fd);
        pthread_barrier_wait(&round_end);
        break;
    case COMBINED:
        sync_file_range(p->fd, 0, 0,
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        combined_flush(p->fd);
        break;
    }
}

static void *log_thread(void *arg) {
    struct partition *p = arg;
    pthread_mutex_lock(&mu);
    while (!stop) {
        /* every request goes to every partition, so in rounds all log threads wake for the same requests */
        while (requests == p->written && !stop) pthread_cond_wait(&arrived, &mu);
        long upto = requests;
        pthread_mutex_unlock(&mu);
        for (long r = p->written; r < upto; r++) {
            while (runway == RUNWAY && p->end + write_bytes > p->zeroed_end && !stop) usleep(50);
            pwrite(p->fd, data, write_bytes, p->end);
            p->end += write_bytes;
            if (runway == PREZEROED && p->end + write_bytes > PREZEROED_BYTES) p->end = 0;
        }
        p->written = upto;
        make_durable(p);
        pthread_mutex_lock(&mu);
        p->durable = upto;
        p->fsyncs++;
        pthread_cond_broadcast(&answered);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *zeroer(void *arg) {
    struct partition *p = arg;
    char *zeros = calloc(1, MIB);
    while (!stop) {
        if (p->zeroed_end - p->end < RUNWAY_AHEAD) {
            pwrite(p->fd, zeros, MIB, p->zeroed_end);
            fdatasync(p->fd);
            p->zeroed_end += MIB;
        } else {
            usleep(200);
        }
    }
    free(zeros);
    return NULL;
}

static int parse(const char *value, const char *const names[], int count) {
    for (int i = 0; i < count; i++) {
        if (strcmp(value, names[i]) == 0) return i;
    }
    fprintf(stderr, "unknown mode %s\n", value);
    exit(2);
}

int main(int argc, char **argv) {
    static const char *const runways[] = {"prezeroed", "runway", "append"};
    static const char *const syncs[] = {"each", "rounds", "combined"};
    if (argc < 7) {
        fprintf(stderr, "usage: %s CLIENTS PARTITIONS WRITE_KIB THINK_US prezeroed|runway|append "
                "each|rounds|combined [SECONDS]\n", argv[0]);
        return 2;
    }
    clients = atoi(argv[1]);
    partitions = atoi(argv[2]);
    write_bytes = atoi(argv[3]) * 1024;
    think_us = atoi(argv[4]);
    runway = parse(argv[5], runways, 3);
    sync_mode = parse(argv[6], syncs, 3);
    if (argc > 7) seconds = atoi(argv[7]);
    if (partitions < 1 || partitions > MAX_PARTITIONS || clients < 1 || write_bytes < 1) return 2;
    data = malloc(write_bytes);
    memset(data, 'x', write_bytes);

    char *zeros = calloc(1, MIB);
    for (int i = 0; i < partitions; i++) {
        char name[32];
        snprintf(name, sizeof name, "model-%d.dat", i);
        parts[i].fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
        long prefill = runway == PREZEROED ? PREZEROED_BYTES : runway == RUNWAY ? RUNWAY_AHEAD : 0;
        for (long at = 0; at < prefill; at += MIB) pwrite(parts[i].fd, zeros, MIB, at);
        fsync(parts[i].fd);
        parts[i].zeroed_end = prefill;
    }
    pthread_barrier_init(&round_start, NULL, partitions);
    pthread_barrier_init(&round_end, NULL, partitions);

    pthread_t threads[64 + 2 * MAX_PARTITIONS];
    int n = 0;
    for (int i = 0; i < partitions; i++) pthread_create(&threads[n++], NULL, log_thread, &parts[i]);
    if (runway == RUNWAY) {
        for (int i = 0; i < partitions; i++) pthread_create(&threads[n++], NULL, zeroer, &parts[i]);
    }
    for (int i = 0; i < clients && i < 64; i++) pthread_create(&threads[n++], NULL, client, NULL);
    sleep(seconds);

    pthread_mutex_lock(&mu);
    stop = 1;
    long done = all_durable();
    long fsyncs = 0;
    for (int i = 0; i < partitions; i++) fsyncs += parts[i].fsyncs;
    pthread_mutex_unlock(&mu);
    printf("clients=%d partitions=%d write=%dKiB think=%dus %s %s: %.1f MiB/s, %.0f requests/s, "
           "%.2f requests per fsync\n", clients, partitions, write_bytes / 1024, think_us, runways[runway],
           syncs[sync_mode], done * (double) write_bytes * partitions / seconds / MIB, (double) done / seconds,
           fsyncs == 0 ? 0.0 : (double) done * partitions / fsyncs);
    fflush(stdout);
    for (int i = 0; i < partitions; i++) {
        char name[32];
        snprintf(name, sizeof name, "model-%d.dat", i);
        unlink(name);
    }
    _exit(0);  /* threads may be parked in a barrier or a wait: no orderly join */
}
