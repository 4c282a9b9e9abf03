// Standalone entry point: filled in by the simulator work.
return 0;
