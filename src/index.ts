export * from './app/app-interface';
export * from './app/app-manifest';
export * from './app/vehicle-app';
export * from './container/platform';
export * from './container/container-image';
export * from './vehicle-app-project';
