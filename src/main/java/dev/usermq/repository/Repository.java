package dev.usermq.repository;

import dev.usermq.repository.event.OrderEvent;
import dev.usermq.repository.event.UserEvent;
import dev.usermq.repository.model.AuthMsgModel;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.rpc.AuthzSrv;
import dev.usermq.repository.xredis.UserCache;

/**
 * Every dependency of the logic layer, built once by {@link RepositoryConfiguration} and shared by
 * the MQ routes and the gRPC service. Nothing here knows about Camel exchanges or gRPC calls in
 * progress: methods take and return plain values.
 */
public record Repository(
    UserModel userModel,
    UserThirdAuthModel userThirdAuthModel,
    AuthMsgModel authMsgModel,
    OutboxModel outboxModel,
    AuthzCommandModel authzCommandModel,
    UserEvent userEvent,
    OrderEvent orderEvent,
    AuthzSrv authzSrv,
    UserCache userCache,
    StatementDeadline statementDeadline) {}
