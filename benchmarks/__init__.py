"""Scripts that measure tripwatch side by side with its alternatives and print the figures."""
