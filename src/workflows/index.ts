export { ActionPinning } from './action-pins';
export * from './vehicle-app-workflows';
