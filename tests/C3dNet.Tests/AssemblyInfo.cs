// Tests share two cores and libtorch's thread pool: run collections one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
