import { fakerFor } from './core';

/**
 * Pools of realistic strings, drawn once per seed with Faker and then picked by index-seeded Rngs.
 * Reseeding Faker costs ~50µs per row (a Mersenne Twister per call); picking from a pool costs
 * nanoseconds, and a row stays a pure function of (seed, table, index) because the pools are a pure
 * function of the seed.
 */
export interface Vocab {
  firstNames: string[];
  lastNames: string[];
  companies: string[];
  jobTitles: string[];
  cities: string[];
  countries: string[];
  sentences: string[];
  paragraphs: string[];
  words: string[];
  phrases: string[];
  userAgents: string[];
  phones: string[];
  departments: string[];
}

const cache = new Map<number, Vocab>();
const N = 256;

export function vocab(seed: number): Vocab {
  let v = cache.get(seed);
  if (v) return v;
  const f = fakerFor(seed, 'vocab');
  const many = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
  v = {
    firstNames: many(N, () => f.person.firstName()),
    lastNames: many(N, () => f.person.lastName()),
    companies: many(N, () => f.company.name()),
    jobTitles: many(N, () => f.person.jobTitle()),
    cities: many(N, () => `${f.location.city()}, ${f.location.countryCode()}`),
    countries: many(64, () => f.location.countryCode()),
    sentences: many(N, () => f.lorem.sentence({ min: 4, max: 12 })),
    paragraphs: many(64, () => f.lorem.paragraph({ min: 2, max: 4 })),
    words: many(N, () => f.word.noun()),
    phrases: many(N, () => f.company.catchPhrase()),
    userAgents: many(32, () => f.internet.userAgent()),
    phones: many(N, () => f.phone.number({ style: 'international' })),
    departments: many(32, () => f.commerce.department()),
  };
  cache.set(seed, v);
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
