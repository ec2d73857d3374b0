// Every integration test starts real processes and a real nginx: run them one at a time on
// this 2-core machine so timing never depends on a neighbour.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
