// Every workflow the io worker hosts; this file is the entry point of the workflow bundle.
export { landDemoEventsWorkflow } from './land-demo-events.ts';
