"""Running the product: the pipeline, its run folders and history, and the command line."""
