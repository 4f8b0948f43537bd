/**
 * Outbound events, one interface per topic. An event is written to the {@code outbox} table in the
 * transaction of the work that caused it and published to Kafka after the commit, so that no event
 * leaves for work that was rolled back and none is lost when the process dies in between.
 */
package dev.usermq.repository.event;
