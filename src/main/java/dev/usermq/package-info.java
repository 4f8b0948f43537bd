/** user-mq: the MQ side of the user service, consuming auth messages from Kafka. */
package dev.usermq;
