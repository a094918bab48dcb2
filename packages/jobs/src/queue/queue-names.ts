/** BullMQ's key prefix; every key of ours sits under `<prefix>:<queue>:` beside BullMQ's own. */
export const KEY_PREFIX = 'bull';

export const keyBase = (queueName: string) => `${KEY_PREFIX}:${queueName}`;
export const cancelChannel = (queueName: string) => `${keyBase(queueName)}:cancel`;
