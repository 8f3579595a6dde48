"""Python side of the NPS warehouse: synthetic data generator, independent oracle and quality checks."""
