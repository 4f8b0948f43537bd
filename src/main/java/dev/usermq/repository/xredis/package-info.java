/**
 * Redis: the idempotency keys of processed messages ({@code <prefix>:msg:processed:<message_id>},
 * set with SET NX EX once a message is done) and the cache of hot reads.
 */
package dev.usermq.repository.xredis;
