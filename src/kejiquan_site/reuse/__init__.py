"""What one preview build hands the next: results kept with their inputs, file signatures."""
