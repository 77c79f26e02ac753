import { fakerFor } from './core';

/**
 * User agents, drawn once per seed with Faker's own generator and then picked by index-seeded Rngs
 * (reseeding Faker per row costs ~50µs). People's names, places and phones come from their locale
 * (locales.ts); texts from text.ts.
 */
const cache = new Map<number, string[]>();

export function userAgents(seed: number): string[] {
  let v = cache.get(seed);
  if (!v) {
    const f = fakerFor(seed, 'vocab');
    v = Array.from({ length: 32 }, () => f.internet.userAgent());
    cache.set(seed, v);
  }
  return v;
}

/** Curated skill names per track (index j of track t is skill t + 6*j). */
export const TRACK_SKILLS: Readonly<Record<string, readonly string[]>> = {
  frontend: ['JavaScript', 'TypeScript', 'React', 'Vue.js', 'Angular', 'CSS', 'HTML', 'Next.js', 'Svelte', 'Webpack', 'Redux', 'Tailwind CSS', 'Accessibility', 'Jest'],
  backend: ['Node.js', 'Python', 'Java', 'Go', 'PostgreSQL', 'REST APIs', 'GraphQL', 'Spring Boot', 'Django', 'Redis', 'Kafka', 'Rust', 'C#', 'MongoDB'],
  data: ['SQL', 'Pandas', 'Machine Learning', 'Statistics', 'PyTorch', 'TensorFlow', 'Spark', 'Airflow', 'dbt', 'Tableau', 'Power BI', 'R', 'NumPy', 'Data Modeling'],
  devops: ['Docker', 'Kubernetes', 'Terraform', 'AWS', 'Linux', 'CI/CD', 'Ansible', 'Prometheus', 'Grafana', 'Azure', 'GCP', 'Bash', 'Nginx', 'Helm'],
  mobile: ['Swift', 'Kotlin', 'React Native', 'Flutter', 'iOS', 'Android', 'Dart', 'Objective-C', 'SwiftUI', 'Jetpack Compose', 'Firebase', 'Xamarin', 'Mobile Testing', 'App Store Optimization'],
  design: ['Figma', 'UX Research', 'UI Design', 'Prototyping', 'Sketch', 'Adobe XD', 'Illustrator', 'Photoshop', 'Design Systems', 'Wireframing', 'Usability Testing', 'Interaction Design', 'Typography', 'Motion Design'],
};
