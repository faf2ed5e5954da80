package io.ailurus.chaos.nemesis;

/** When a fault was in force (ns since the run started), for the report and the plots. */
public record FaultWindow(Fault fault, long startNs, long endNs, String note) {
}
