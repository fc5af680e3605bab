package io.pocketgrid.portal.work;

/**
 * What a worker tells the server when it asks for work: its device figures, so the server can size
 * tasks. Every field is optional.
 *
 * @param cores  logical cores the browser reports
 * @param gflops the device benchmark's figure, if it ran one
 */
public record LeaseRequest(Integer cores, Double gflops) {
}
