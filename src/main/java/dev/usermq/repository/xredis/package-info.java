/**
 * Redis in the repository layer: the cache-aside of hot reads. The keys of processed messages
 * ({@code <prefix>:msg:processed:<message_id>}) belong to the routes' idempotent consumer and are
 * built in {@link dev.usermq.mq.MqConfiguration}.
 */
package dev.usermq.repository.xredis;
