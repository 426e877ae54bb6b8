/**
 * The Node.js major generated projects run `npx projen` on: the workflows' setup-node, the devcontainer's Node
 * feature, `engines` and @types/node. Node 20 reached end of life in April 2026; 24 is the active LTS.
 * @internal
 */
export const NODE_MAJOR = '24';
